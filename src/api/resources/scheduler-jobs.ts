/**
 * Heroku Scheduler jobs (a Berth extension): `/apps/:app/scheduler/jobs[/:id]` and
 * `…/jobs/:id/actions/run`. A job is a command on a schedule — Heroku's choices
 * (`every_10_minutes`, `hourly` at `:MM`, `daily` at `HH:MM` UTC) or a `cron` expression — run
 * as a one-off `scheduler.N` dyno by the control plane's runner (ApiDeps.scheduler).
 */
import { checkOneOffQuota } from '../../core/account-quota.js';
import { invalidParams, notFound } from '../../core/errors.js';
import { displaySize, resolveDynoSize } from '../../core/formation.js';
import type { App } from '../../core/model.js';
import { MAX_COMMAND_LENGTH, describeSchedule, nextRunAfter, readSchedule, storedSchedule, type JobSchedule } from '../../core/scheduler-job.js';
import type { SchedulerJob, SchedulerJobPatch } from '../../store/port.js';
import { findAccessibleApp } from '../app-access.js';
import type { RequestContext, Route } from '../context.js';
import { quotaOf } from '../quota.js';

/** Jobs per app (Heroku Scheduler has no documented limit; a bound keeps one app from flooding the timer). */
export const MAX_JOBS_PER_APP = 50;

export function jobJson(app: App, job: SchedulerJob) {
  return {
    id: job.id,
    app: { id: app.id, name: app.name },
    command: job.command,
    size: displaySize(job.size),
    frequency: job.frequency,
    at: job.at,
    cron: job.cron,
    schedule: describeSchedule(storedSchedule(job)),
    next_run_at: job.nextRunAt,
    last_run: job.lastRun && {
      status: job.lastRun.status,
      exit_code: job.lastRun.exitCode,
      dyno: job.lastRun.dynoName,
      started_at: job.lastRun.startedAt,
      finished_at: job.lastRun.finishedAt,
    },
    last_skipped: job.lastSkip,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  };
}

function command(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidParams('command is required, e.g. {"command":"node tasks/report.js","frequency":"daily","at":"04:30"}.');
  if (value.length > MAX_COMMAND_LENGTH) throw invalidParams(`command is longer than ${MAX_COMMAND_LENGTH} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalidParams('command must be one line without control characters.');
  return value.trim();
}

async function size(ctx: RequestContext, app: App, value: unknown): Promise<string> {
  const name = resolveDynoSize(value).name;
  const quota = await quotaOf(ctx, app);
  // Each run is a one-off dyno: its size is held to the owner's quota when the job is saved.
  if (quota) checkOneOffQuota({ size: name, runningInApp: 0, runningInAccount: 0 }, quota);
  return name;
}

/** The job by id, or by a unique prefix of at least 4 characters (as `berth scheduler` shows them). */
async function findJob(ctx: RequestContext, app: App, key: string): Promise<SchedulerJob> {
  const jobs = await ctx.deps.store.schedulerJobs.list(app.id);
  const exact = jobs.find((j) => j.id === key.toLowerCase());
  if (exact) return exact;
  const matches = key.length >= 4 ? jobs.filter((j) => j.id.startsWith(key.toLowerCase())) : [];
  if (matches.length === 1) return matches[0] as SchedulerJob;
  if (matches.length > 1) throw invalidParams(`${key} names ${matches.length} jobs of ${app.name}; give more of the id.`);
  throw notFound('scheduler job', key);
}

const scheduleFields = (s: JobSchedule, now: Date) => ({ frequency: s.frequency, at: s.at, cron: s.cron.source, nextRunAt: new Date(nextRunAfter(s, now.getTime())).toISOString() });

export const schedulerJobRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/scheduler/jobs',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      return { status: 200, body: (await ctx.deps.store.schedulerJobs.list(app.id)).map((j) => jobJson(app, j)) };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/scheduler/jobs',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const body = await ctx.body();
      const cmd = command(body.command);
      const schedule = readSchedule(body);
      const dynoSize = await size(ctx, app, body.size ?? 'standard-1x');
      if ((await ctx.deps.store.schedulerJobs.countForApp(app.id)) >= MAX_JOBS_PER_APP) {
        throw invalidParams(`${app.name} already has ${MAX_JOBS_PER_APP} scheduler jobs, the most an app may have: remove one first (berth scheduler:remove ID).`);
      }
      const job = await ctx.deps.store.schedulerJobs.create({ appId: app.id, command: cmd, size: dynoSize, ...scheduleFields(schedule, ctx.deps.now()) });
      ctx.deps.logs.emit(app.id, 'api', `Add scheduler job ${job.id.slice(0, 8)} (${describeSchedule(schedule)}): \`${cmd}\` by user ${ctx.account.email}`);
      void ctx.deps.scheduler.changed();
      return { status: 201, body: jobJson(app, job) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/scheduler/jobs/:id',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      return { status: 200, body: jobJson(app, await findJob(ctx, app, ctx.params.id as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/scheduler/jobs/:id',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const job = await findJob(ctx, app, ctx.params.id as string);
      const body = await ctx.body();
      const patch: SchedulerJobPatch = {};
      if (body.command !== undefined) patch.command = command(body.command);
      if (body.size !== undefined) patch.size = await size(ctx, app, body.size);
      if (body.frequency !== undefined || body.at !== undefined || body.cron !== undefined) {
        const frequency = body.frequency ?? job.frequency;
        // A new frequency brings its own `at`/`cron`; otherwise the ones not given stay.
        const keep = body.frequency === undefined;
        const schedule = readSchedule({
          frequency,
          at: body.at !== undefined ? body.at : keep ? job.at : undefined,
          cron: body.cron !== undefined ? body.cron : keep && job.frequency === 'cron' ? job.cron : undefined,
        });
        Object.assign(patch, scheduleFields(schedule, ctx.deps.now()));
      }
      if (Object.keys(patch).length === 0) throw invalidParams('Nothing to change: send command, size, frequency, at or cron.');
      const updated = await ctx.deps.store.schedulerJobs.update(job.id, patch);
      if (!updated) throw notFound('scheduler job', job.id);
      ctx.deps.logs.emit(app.id, 'api', `Update scheduler job ${job.id.slice(0, 8)} (${describeSchedule(storedSchedule(updated))}): \`${updated.command}\` by user ${ctx.account.email}`);
      void ctx.deps.scheduler.changed();
      return { status: 200, body: jobJson(app, updated) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/scheduler/jobs/:id',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const job = await findJob(ctx, app, ctx.params.id as string);
      await ctx.deps.store.schedulerJobs.delete(job.id);
      ctx.deps.logs.emit(app.id, 'api', `Remove scheduler job ${job.id.slice(0, 8)}: \`${job.command}\` by user ${ctx.account.email}`);
      void ctx.deps.scheduler.changed();
      return { status: 200, body: jobJson(app, job) };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/scheduler/jobs/:id/actions/run',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const job = await findJob(ctx, app, ctx.params.id as string);
      const dyno = await ctx.deps.scheduler.runNow(app, job);
      ctx.deps.logs.emit(app.id, 'api', `Run scheduler job ${job.id.slice(0, 8)} now as ${dyno.name} by user ${ctx.account.email}`);
      const after = await ctx.deps.store.schedulerJobs.findById(job.id);
      return { status: 201, body: { job: jobJson(app, after ?? job), dyno: { id: dyno.id, name: dyno.name, state: dyno.state, size: displaySize(dyno.size) } } };
    },
  },
];
