import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { acmLabel, dnsRecordType, type DomainJson } from '../domain-types.js';
import { formatTable } from '../format.js';

export const domains: Command = {
  name: 'domains',
  summary: "list an app's domains: its default one and the custom ones with their DNS targets",
  usage: 'domains [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth domains', 'berth domains --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.list<DomainJson>(appPath(app, '/domains'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    const b = ctx.colours.out.bold;
    ctx.print(b(`=== ${app} Default Domain`));
    for (const d of list.filter((d) => d.kind === 'heroku')) ctx.print(d.acm_status ? `${d.hostname}  (certificate: ${acmLabel(d.acm_status)})` : d.hostname);
    const custom = list.filter((d) => d.kind === 'custom').sort((x, y) => x.hostname.localeCompare(y.hostname));
    if (custom.length === 0) return void ctx.note(`${app} has no custom domains. Add one with \`berth domains:add HOSTNAME\`.`);
    ctx.print();
    ctx.print(b(`=== ${app} Custom Domains`));
    // The ACM column only when automatic certificates are on (some domain has a status).
    const acm = custom.some((d) => d.acm_status);
    const rows = custom.map((d) => [d.hostname, dnsRecordType(d.hostname), d.cname ?? '', d.sni_endpoint?.name ?? '', ...(acm ? [d.sni_endpoint ? 'Uploaded' : acmLabel(d.acm_status)] : [])]);
    for (const line of formatTable([['Domain Name', 'DNS Record Type', 'DNS Target', 'SNI Endpoint', ...(acm ? ['ACM Status'] : [])], ...rows])) ctx.print(line);
  },
};
