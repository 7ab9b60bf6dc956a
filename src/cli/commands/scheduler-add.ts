import { appPath } from '../api-client.js';
import type { SchedulerJobJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { buildCommand } from '../run-request.js';
import { parseScheduleFlags } from '../scheduler-args.js';

export const schedulerAdd: Command = {
  name: 'scheduler:add',
  summary: 'schedule a command: every 10 minutes, hourly at :MM, daily at HH:MM UTC, or cron',
  description:
    'Exactly one schedule flag. Each run is a one-off dyno scheduler.N of the current release\n' +
    'with the app config; a run is skipped (and logged) while the previous one still runs.',
  usage: 'scheduler:add (--every 10m | --hourly :MM | --daily HH:MM | --cron "EXPR") [-s SIZE] [-a APP] -- COMMAND...',
  args: [{ name: 'COMMAND', required: true, variadic: true, description: 'the command line to run' }],
  flags: {
    every: { type: 'string', value: '10m', description: 'every 10 minutes (Heroku Scheduler\'s shortest interval)' },
    hourly: { type: 'string', value: ':MM', description: 'every hour at minute MM' },
    daily: { type: 'string', value: 'HH:MM', description: 'every day at HH:MM UTC' },
    cron: { type: 'string', value: 'EXPR', description: 'a 5-field cron expression in UTC, e.g. "*/15 9-17 * * MON-FRI"' },
    size: { type: 'string', short: 's', value: 'SIZE', description: 'dyno size of each run (default Standard-1X)' },
    json: jsonFlag,
  },
  needsApp: true,
  passthrough: true,
  examples: ['berth scheduler:add --daily 04:30 -- node tasks/report.js', 'berth scheduler:add --every 10m -s Standard-2X -- rake queue:sweep', 'berth scheduler:add --cron "0 9 * * MON" -- bin/weekly-digest'],
  async run(ctx) {
    const app = ctx.app();
    const body = { command: buildCommand(ctx.args), ...parseScheduleFlags({ every: ctx.string('every'), hourly: ctx.string('hourly'), daily: ctx.string('daily'), cron: ctx.string('cron') }), ...(ctx.string('size') ? { size: ctx.string('size') } : {}) };
    const job = await ctx.api.post<SchedulerJobJson>(appPath(app, '/scheduler/jobs'), body);
    if (ctx.bool('json')) return ctx.printJson(job);
    ctx.print(`Scheduled job ${job.id.slice(0, 8)} on ${app}: ${job.schedule}, ${job.size}, next run ${job.next_run_at.slice(0, 16).replace('T', ' ')}Z`);
  },
};
