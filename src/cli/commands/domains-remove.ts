import { appPath } from '../api-client.js';
import type { Command } from '../command.js';
import type { DomainJson } from '../domain-types.js';

export const domainsRemove: Command = {
  name: 'domains:remove',
  summary: 'remove a custom domain from an app (the router stops answering for it at once)',
  usage: 'domains:remove HOSTNAME [-a APP]',
  args: [{ name: 'HOSTNAME', required: true, description: 'the domain, as `berth domains` lists it' }],
  flags: {},
  needsApp: true,
  examples: ['berth domains:remove www.example.com', 'berth domains:remove "*.example.com" -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const domain = await ctx.api.delete<DomainJson>(appPath(app, `/domains/${encodeURIComponent(ctx.args[0] as string)}`));
    ctx.print(`Removing ${domain.hostname} from ${app}... done`);
  },
};
