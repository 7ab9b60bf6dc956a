/**
 * Heroku Scheduler's runner (the API's SchedulerPort): one timer over the stored next runs of
 * every job. When a job is due it claims the run in the store (core/scheduler-job.ts decides:
 * one run, at most one catch-up after downtime), then starts a one-off dyno `scheduler.NNNN` of
 * the app's current release, unless the job's previous run is still running or the app has no
 * release (a `heroku[scheduler]` line says which). The dyno's exit event ends the run with its
 * status and exit code. Clock and timers are injected, so unit tests drive it with a fake clock.
 */
import { randomUUID } from 'node:crypto';
import type { SchedulerPort } from '../api/context.js';
import type { DynoHost, DynoRecord } from '../core/dyno-host.js';
import { checkOneOffQuota } from '../core/account-quota.js';
import { PlatformError } from '../core/errors.js';
import { MAX_PAGE_SIZE } from '../core/range.js';
import type { App } from '../core/model.js';
import { describeSchedule, storedSchedule, tickJob } from '../core/scheduler-job.js';
import type { Timers } from '../core/timers.js';
import type { SchedulerJob, Store } from '../store/port.js';
import type { DynoService } from './dyno-service.js';

/** Re-read the store at least this often (jobs added by another control plane, clock jumps). */
const MAX_SLEEP_MS = 60 * 60 * 1000;
/** After a pass in which a job or the store failed, the next pass waits at least this long. */
const RETRY_MS = 30_000;
/** Scheduler dynos end after 24 hours, like every one-off dyno. */
const RUN_TIME_TO_LIVE_MS = 24 * 60 * 60 * 1000;

/** What the runner did, for tests and the bench (they wait on these rather than on time). */
export type SchedulerEvent =
  | { kind: 'started'; jobId: string; dyno: DynoRecord; dueAt: number; startedAt: number }
  | { kind: 'skipped'; jobId: string; reason: string }
  | { kind: 'finished'; jobId: string; dynoId: string; status: 'succeeded' | 'failed' | 'unknown'; exitCode: number | null }
  | { kind: 'failed-to-start'; jobId: string; error: string }
  | { kind: 'armed'; wakeAt: number | undefined };

export interface SchedulerJobsDeps {
  store: Store;
  dynos: Pick<DynoService, 'startOneOff'>;
  host: Pick<DynoHost, 'list' | 'onEvent'>;
  now(): number;
  timers: Pick<Timers, 'after'>;
  /** A platform line into the app's log (`heroku[scheduler]: …`). */
  emit(appId: string, process: string, source: 'app' | 'heroku', message: string): void;
  log(event: Record<string, unknown>): void;
  observe?(event: SchedulerEvent): void;
}

type RunOutcome = { started: DynoRecord } | { skipped: string; conflict: boolean; refusal?: PlatformError } | { failed: unknown };

export class SchedulerJobs implements SchedulerPort {
  /** Runs whose dyno is live: dyno id → job id, and the store write of its start. */
  private readonly live = new Map<string, { jobId: string; appId: string; recorded: Promise<void> }>();
  private cancelTimer: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = true;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SchedulerJobsDeps) {}

  /** Follows dyno exits, settles runs whose dyno ended while Berth was down, then runs what is due. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe?.();
    this.unsubscribe = this.deps.host.onEvent((event) => {
      if (event.dyno.state === 'down') void this.ended(event.dyno);
    });
    // Runs first, then the agent's dynos: a run in the store had its dyno started before it was
    // recorded, so a dyno missing from the later list has really ended.
    const running = await this.deps.store.schedulerJobs.listRunning();
    const liveIds = new Set((await this.deps.host.list()).filter((d) => d.state !== 'down').map((d) => d.id));
    for (const job of running) {
      const run = job.lastRun;
      if (!run) continue;
      if (liveIds.has(run.dynoId)) {
        if (!this.live.has(run.dynoId)) this.live.set(run.dynoId, { jobId: job.id, appId: job.appId, recorded: Promise.resolve() });
        continue;
      }
      // Gone from the agent: it ended while no exit event could reach us (or the agent was replaced).
      this.live.delete(run.dynoId);
      await this.deps.store.schedulerJobs.runFinished(job.id, run.dynoId, { status: 'unknown', exitCode: null, finishedAt: new Date(this.deps.now()).toISOString() });
      this.deps.emit(job.appId, 'scheduler', 'heroku', `Job ${short(job.id)}: ${run.dynoName} ended while Berth was down; its exit status is unknown`);
    }
    await this.changed();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Jobs changed: run what is due and re-arm. Resolves when this pass is over. */
  changed(): Promise<void> {
    this.pass = this.pass
      .then(() => this.runDue())
      .catch((err: unknown) => this.deps.log({ at: 'error', event: 'scheduler_pass_failed', error: err instanceof Error ? err.stack : String(err) }));
    return this.pass;
  }

  /** `scheduler:run`: runs the job now, outside its schedule, under the same overlap rule. */
  async runNow(app: App, job: SchedulerJob): Promise<DynoRecord> {
    const outcome = await this.execute(app, job, this.deps.now(), 'now, by request');
    if ('started' in outcome) return outcome.started;
    if ('failed' in outcome) throw outcome.failed;
    if (outcome.refusal) throw outcome.refusal;
    throw new PlatformError(outcome.conflict ? 'conflict' : 'invalid_params', `Job ${short(job.id)} was not run: ${outcome.skipped}.`);
  }

  /** Resolves when the current pass is over (tests). */
  idle(): Promise<void> {
    return this.pass;
  }

  private async runDue(): Promise<void> {
    if (this.stopped) return;
    let failed = false;
    try {
      const now = this.deps.now();
      for (const job of await this.deps.store.schedulerJobs.listDue(new Date(now).toISOString())) {
        try {
          await this.runIfDue(job, now);
        } catch (err) {
          failed = true;
          this.deps.log({ at: 'error', event: 'scheduler_job_failed', job: job.id, error: err instanceof Error ? err.stack : String(err) });
        }
      }
    } catch (err) {
      failed = true;
      this.deps.log({ at: 'error', event: 'scheduler_pass_failed', error: err instanceof Error ? err.stack : String(err) });
    }
    // A job that keeps failing stays due: retry it after a pause, never in a tight loop.
    const next = await this.deps.store.schedulerJobs.nextDue().catch(() => undefined);
    this.arm(next, failed || next === undefined ? RETRY_MS : 0);
  }

  private async runIfDue(job: SchedulerJob, now: number): Promise<void> {
    const schedule = storedSchedule(job);
    const tick = tickJob(schedule, Date.parse(job.nextRunAt), now);
    if (!tick.run) return;
    if (!(await this.deps.store.schedulerJobs.claimRun(job.id, job.nextRunAt, new Date(tick.nextRunAt).toISOString()))) return;
    const app = await this.deps.store.apps.findById(job.appId);
    if (!app) return;
    if (tick.catchUp) {
      const passed = tick.missed > 0 ? `; ${tick.missed} later run${tick.missed === 1 ? '' : 's'} also passed and will not be replayed` : '';
      this.deps.emit(app.id, 'scheduler', 'heroku', `Job ${short(job.id)}: catching up once on the run due at ${job.nextRunAt} (Berth was not running then)${passed}`);
    }
    await this.execute(app, job, Date.parse(job.nextRunAt), describeSchedule(schedule));
  }

  /** Wakes at the next run (at most MAX_SLEEP_MS away, at least `minWaitMs`; no job: MAX_SLEEP_MS). */
  private arm(next: string | undefined, minWaitMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.stopped) return;
    const wakeAt = next === undefined ? undefined : Date.parse(next);
    const wait = wakeAt === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(minWaitMs, wakeAt - this.deps.now()));
    this.cancelTimer = this.deps.timers.after(wait, () => {
      this.cancelTimer = undefined;
      void this.changed();
    });
    this.deps.observe?.({ kind: 'armed', wakeAt });
  }

  /** One run of `job`: skipped (overlap, no release) with a log line, or a started dyno. */
  private async execute(app: App, job: SchedulerJob, dueAt: number, why: string): Promise<RunOutcome> {
    const { store } = this.deps;
    const previous = job.lastRun?.status === 'running' && this.live.has(job.lastRun.dynoId) ? job.lastRun : undefined;
    if (previous) return this.skip(app, job, `its previous run ${previous.dynoName} is still running`, true);
    const release = await store.releases.current(app.id);
    if (!release?.slugId) return this.skip(app, job, 'the app has no release yet (deploy it first)', false);
    const overQuota = await this.overQuota(app, job.size);
    if (overQuota) return this.skip(app, job, overQuota.message, false, overQuota);
    const dynoId = randomUUID();
    const startedAt = new Date(this.deps.now()).toISOString();
    let recordStart!: () => void;
    const recorded = new Promise<void>((resolve) => (recordStart = resolve));
    this.live.set(dynoId, { jobId: job.id, appId: app.id, recorded });
    let dyno: DynoRecord;
    try {
      dyno = await this.deps.dynos.startOneOff(app, { id: release.id, version: release.version, slugId: release.slugId, configVars: release.configVars }, {
        id: dynoId,
        type: 'scheduler',
        size: job.size,
        command: job.command,
        env: {},
        timeToLiveMs: RUN_TIME_TO_LIVE_MS,
      });
    } catch (err) {
      this.live.delete(dynoId);
      recordStart();
      const error = err instanceof Error ? err.message : String(err);
      await store.schedulerJobs.runStarted(job.id, { dynoId, dynoName: 'scheduler', startedAt });
      await store.schedulerJobs.runFinished(job.id, dynoId, { status: 'failed', exitCode: null, finishedAt: new Date(this.deps.now()).toISOString() });
      this.deps.emit(app.id, 'scheduler', 'heroku', `Job ${short(job.id)} (${why}) could not start a dyno: ${error}`);
      this.deps.observe?.({ kind: 'failed-to-start', jobId: job.id, error });
      return { failed: err };
    }
    try {
      await store.schedulerJobs.runStarted(job.id, { dynoId, dynoName: dyno.name, startedAt });
    } finally {
      recordStart();
    }
    this.deps.emit(app.id, 'scheduler', 'heroku', `Job ${short(job.id)} (${why}): starting ${dyno.name} on release v${release.version} with command \`${job.command}\``);
    this.deps.observe?.({ kind: 'started', jobId: job.id, dyno, dueAt, startedAt: dyno.startedAt });
    return { started: dyno };
  }

  /**
   * Scheduler dynos are one-off dynos: the owner's quota (size, one-offs running per app and per
   * account) holds for them as for `run`; apps an admin owns have none. The refusal, if any.
   */
  private async overQuota(app: App, size: string): Promise<PlatformError | undefined> {
    const { store } = this.deps;
    const owner = await store.accounts.findById(app.ownerId);
    if (!owner || owner.isAdmin) return undefined;
    const quota = await store.accountQuotas.get(owner.id);
    const owned = new Set((await store.apps.list({ ownerId: owner.id }, { field: 'name', startExclusive: false, max: MAX_PAGE_SIZE, order: 'asc' })).items.map((a) => a.id));
    const running = (await this.deps.host.list()).filter((d) => d.oneOff && d.type !== 'release' && (d.state === 'starting' || d.state === 'up'));
    try {
      checkOneOffQuota({ size, runningInApp: running.filter((d) => d.appId === app.id).length, runningInAccount: running.filter((d) => owned.has(d.appId)).length }, quota);
      return undefined;
    } catch (err) {
      if (err instanceof PlatformError) return err;
      throw err;
    }
  }

  private async skip(app: App, job: SchedulerJob, reason: string, conflict: boolean, refusal?: PlatformError): Promise<RunOutcome> {
    await this.deps.store.schedulerJobs.runSkipped(job.id, { at: new Date(this.deps.now()).toISOString(), reason });
    this.deps.emit(app.id, 'scheduler', 'heroku', `Skipping job ${short(job.id)} (\`${job.command}\`): ${reason}`);
    this.deps.observe?.({ kind: 'skipped', jobId: job.id, reason });
    return { skipped: reason, conflict, ...(refusal ? { refusal } : {}) };
  }

  /** A dyno ended: if it was a job's run, record its status and exit code. */
  private async ended(dyno: DynoRecord): Promise<void> {
    const run = this.live.get(dyno.id);
    if (!run) return;
    this.live.delete(dyno.id);
    await run.recorded;
    const status = dyno.exitCode === 0 ? 'succeeded' : 'failed';
    try {
      await this.deps.store.schedulerJobs.runFinished(run.jobId, dyno.id, { status, exitCode: dyno.exitCode, finishedAt: new Date(this.deps.now()).toISOString() });
    } catch (err) {
      this.deps.log({ at: 'error', event: 'scheduler_run_record_failed', job: run.jobId, error: err instanceof Error ? err.message : String(err) });
    }
    this.deps.observe?.({ kind: 'finished', jobId: run.jobId, dynoId: dyno.id, status, exitCode: dyno.exitCode });
  }
}

/** The first block of a job id, as `berth scheduler` shows it. */
export function short(id: string): string {
  return id.slice(0, 8);
}
