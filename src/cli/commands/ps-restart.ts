import type { Command } from '../command.js';
import { describeTarget, dynoTarget, targetFlags, targetPath } from '../dyno-target.js';

export const psRestart: Command = {
  name: 'ps:restart',
  aliases: ['restart'],
  summary: 'restart one dyno, every dyno of a process type, or all dynos',
  description: 'Formation dynos restart like a deploy (new ones up before old ones go); a one-off dyno is stopped.',
  usage: 'ps:restart [DYNO | TYPE] [-a APP]',
  args: [{ name: 'DYNO|TYPE', required: false, description: 'a dyno (web.1) or process type (web); all dynos when left out' }],
  flags: targetFlags,
  needsApp: true,
  examples: ['berth ps:restart', 'berth ps:restart web', 'berth ps:restart web.1 -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const target = dynoTarget(ctx.args[0], ctx.flags);
    await ctx.api.delete(targetPath(app, target));
    ctx.print(`Restarting ${describeTarget(target)} on ${app}... done`);
  },
};
