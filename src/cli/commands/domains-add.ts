import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { dnsRecordType, type DomainJson } from '../domain-types.js';

export const domainsAdd: Command = {
  name: 'domains:add',
  summary: 'add a custom domain (exact or *.wildcard) to an app and print where to point its DNS',
  usage: 'domains:add HOSTNAME [-c CERT] [-a APP] [--json]',
  args: [{ name: 'HOSTNAME', required: true, description: 'www.example.com, or *.example.com for the names below it' }],
  flags: {
    cert: { type: 'string', short: 'c', value: 'CERT', description: 'serve HTTPS for it with this certificate (a name from `berth certs`)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth domains:add www.example.com', 'berth domains:add "*.example.com" -a my-app', 'berth domains:add shop.example.com --cert tidy-reef-12345'],
  async run(ctx) {
    const app = ctx.app();
    const hostname = ctx.args[0] as string;
    const domain = await ctx.api.post<DomainJson>(appPath(app, '/domains'), { hostname, sni_endpoint: ctx.string('cert') ?? null });
    if (ctx.bool('json')) return void ctx.printJson(domain);
    ctx.print(`Adding ${domain.hostname} to ${app}... done`);
    const type = dnsRecordType(domain.hostname);
    ctx.print(`Point ${type.startsWith('A') ? 'an' : 'a'} ${type} record for ${domain.hostname} at the DNS target ${ctx.colours.out.green(domain.cname ?? '')}.`);
    if (domain.sni_endpoint) ctx.print(`HTTPS for ${domain.hostname} uses the certificate ${domain.sni_endpoint.name}.`);
  },
};
