import { appPath } from '../api-client.js';
import type { SchedulerJobJson } from '../api-types.js';
import type { Command } from '../command.js';
import { showLogs } from './logs.js';

export const schedulerRun: Command = {
  name: 'scheduler:run',
  summary: 'run a scheduled job now, outside its schedule (refused while its previous run still runs)',
  usage: 'scheduler:run ID [-t] [-a APP]',
  args: [{ name: 'ID', required: true, description: 'the job id, or its first characters as berth scheduler shows them' }],
  flags: { tail: { type: 'boolean', short: 't', description: "follow the run's log output" } },
  needsApp: true,
  examples: ['berth scheduler:run 3f2a9c1d', 'berth scheduler:run 3f2a9c1d -t -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const { job, dyno } = await ctx.api.post<{ job: SchedulerJobJson; dyno: { name: string } }>(appPath(app, `/scheduler/jobs/${encodeURIComponent(ctx.args[0] as string)}/actions/run`), {});
    ctx.print(`Running job ${job.id.slice(0, 8)} (${job.command}) on ${app}... up, ${dyno.name}`);
    if (ctx.bool('tail')) return showLogs(ctx, app, { tail: true, dyno: dyno.name });
    ctx.print(`Run berth logs --app ${app} --dyno ${dyno.name} to view the output.`);
  },
};
