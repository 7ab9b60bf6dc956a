import { appPath } from '../api-client.js';
import type { SchedulerJobJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

/** `succeeded (exit 0) at 2026-03-01 10:20:00Z on scheduler.1234`, or `never run`. */
export function describeLastRun(job: SchedulerJobJson): string {
  const run = job.last_run;
  if (!run) return 'never run';
  const code = run.exit_code === null ? '' : ` (exit ${run.exit_code})`;
  return `${run.status}${code} ${run.dyno} ${utc(run.started_at)}`;
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')}Z`;

export const scheduler: Command = {
  name: 'scheduler',
  summary: "the app's scheduled jobs: schedule, size, next run, last run and command",
  description: 'Jobs run as one-off dynos (scheduler.N) of the current release; their output is in berth logs.',
  usage: 'scheduler [--json] [-a APP]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth scheduler', 'berth scheduler --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const jobs = await ctx.api.get<SchedulerJobJson[]>(appPath(app, '/scheduler/jobs'));
    if (ctx.bool('json')) return ctx.printJson(jobs);
    if (jobs.length === 0) return void ctx.print(`${app} has no scheduled jobs. Add one with berth scheduler:add --daily 04:30 -- COMMAND.`);
    ctx.print(`=== ${app} scheduled jobs (times in UTC)`);
    const rows = jobs.map((j) => [j.id.slice(0, 8), j.schedule, j.size, utc(j.next_run_at), describeLastRun(j), j.command]);
    for (const line of formatTable([['ID', 'Schedule', 'Size', 'Next run', 'Last run', 'Command'], ...rows])) ctx.print(line);
  },
};
