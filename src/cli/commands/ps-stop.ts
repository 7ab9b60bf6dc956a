import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { describeTarget, dynoTarget, targetFlags, targetPath } from '../dyno-target.js';

export const psStop: Command = {
  name: 'ps:stop',
  aliases: ['stop'],
  summary: 'stop one dyno or every dyno of a process type',
  description: 'Formation dynos are started again by the dyno manager (scale to 0 with ps:scale to keep them\ndown); a stopped one-off dyno is gone.',
  usage: 'ps:stop DYNO | TYPE [-a APP]',
  args: [{ name: 'DYNO|TYPE', required: false, description: 'a dyno (run.1234, web.1) or process type (worker)' }],
  flags: targetFlags,
  needsApp: true,
  examples: ['berth ps:stop run.1234', 'berth ps:stop worker -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const target = dynoTarget(ctx.args[0], ctx.flags);
    if (target.kind === 'all') throw new UsageError('Name a dyno or a process type to stop, e.g. `berth ps:stop run.1234` or `berth ps:stop worker`.');
    await ctx.api.post(`${targetPath(app, target)}/actions/stop`, undefined);
    ctx.print(`Stopping ${describeTarget(target)} on ${app}... done`);
  },
};
