import { appPath } from '../api-client.js';
import type { SchedulerJobJson } from '../api-types.js';
import type { Command } from '../command.js';

export const schedulerRemove: Command = {
  name: 'scheduler:remove',
  summary: 'remove a scheduled job (a run in progress finishes)',
  usage: 'scheduler:remove ID [-a APP]',
  args: [{ name: 'ID', required: true, description: 'the job id, or its first characters as berth scheduler shows them' }],
  flags: {},
  needsApp: true,
  examples: ['berth scheduler:remove 3f2a9c1d', 'berth scheduler:remove 3f2a9c1d -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const job = await ctx.api.delete<SchedulerJobJson>(appPath(app, `/scheduler/jobs/${encodeURIComponent(ctx.args[0] as string)}`));
    ctx.print(`Removed job ${job.id.slice(0, 8)} (${job.schedule}): ${job.command}`);
  },
};
