import { appPath } from '../api-client.js';
import type { Command } from '../command.js';
import { doneWithVersion } from '../release-lookup.js';

export const configUnset: Command = {
  name: 'config:unset',
  aliases: ['config:remove'],
  summary: 'remove config vars; makes a new release and restarts the dynos',
  usage: 'config:unset KEY... [-a APP]',
  args: [{ name: 'KEY', required: true, variadic: true, description: 'one or more config var names' }],
  flags: {},
  needsApp: true,
  examples: ['berth config:unset RAILS_ENV', 'berth config:unset A B -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.patch(appPath(app, '/config-vars'), Object.fromEntries(ctx.args.map((k) => [k, null])));
    ctx.print(`Unsetting ${ctx.args.join(', ')} and restarting ${app}... ${await doneWithVersion(ctx.api, app)}`);
  },
};
