import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import type { SniEndpointJson } from '../domain-types.js';
import { formatTable } from '../format.js';

export const certs: Command = {
  name: 'certs',
  summary: "list an app's SSL certificates (SNI endpoints) for its custom domains",
  usage: 'certs [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth certs', 'berth certs --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.list<SniEndpointJson>(appPath(app, '/sni-endpoints'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no SSL certificates. Add one with \`berth certs:add CERT_FILE KEY_FILE\`.`);
    const rows = [...list]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => [e.name, e.ssl_cert.cert_domains.join(', '), e.ssl_cert.expires_at.slice(0, 10), e.ssl_cert['ca_signed?'] ? 'True' : 'False', String(e.domains.length)]);
    for (const line of formatTable([['Name', 'Common Name(s)', 'Expires', 'Trusted', 'Domains'], ...rows])) ctx.print(line);
  },
};
