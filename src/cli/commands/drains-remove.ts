import { appPath } from '../api-client.js';
import type { LogDrainJson } from '../api-types.js';
import type { Command } from '../command.js';

export const drainsRemove: Command = {
  name: 'drains:remove',
  summary: 'stop sending logs to a drain',
  usage: 'drains:remove URL|TOKEN|ID [-a APP]',
  args: [{ name: 'URL|TOKEN|ID', required: true, description: 'the drain, as `berth drains` lists it' }],
  flags: {},
  needsApp: true,
  examples: ['berth drains:remove syslog+tls://logs.example.com:6514', 'berth drains:remove d.8b9c0d1e-… -a my-app'],
  async run(ctx) {
    const drain = await ctx.api.delete<LogDrainJson>(appPath(ctx.app(), `/log-drains/${encodeURIComponent(ctx.args[0] as string)}`));
    ctx.print(`Successfully removed drain ${drain.url}`);
  },
};
