import { appPath } from '../api-client.js';
import type { Command } from '../command.js';
import type { SniEndpointJson } from '../domain-types.js';

export const certsRemove: Command = {
  name: 'certs:remove',
  summary: 'remove an SSL certificate; its domains fall back to the default certificate',
  usage: 'certs:remove NAME [-a APP]',
  args: [{ name: 'NAME', required: true, description: 'the certificate, as `berth certs` lists it' }],
  flags: {},
  needsApp: true,
  examples: ['berth certs:remove tidy-reef-12345', 'berth certs:remove tidy-reef-12345 -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const endpoint = await ctx.api.delete<SniEndpointJson>(appPath(app, `/sni-endpoints/${encodeURIComponent(ctx.args[0] as string)}`));
    ctx.print(`Removing SSL certificate ${endpoint.name} from ${app}... done`);
    if (endpoint.domains.length > 0) ctx.note(`${endpoint.domains.length} domain(s) now get the default certificate; upload a new one with \`berth certs:add\`.`);
  },
};
