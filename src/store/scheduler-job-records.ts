/**
 * Heroku Scheduler jobs as the store keeps them: the job (command, size, schedule), its stored
 * next run (so the schedule survives restarts), its last run and its last skipped run.
 */

/** A run's outcome: `unknown` when its dyno vanished while the control plane was down. */
export type SchedulerRunStatus = 'running' | 'succeeded' | 'failed' | 'unknown';

export interface SchedulerRun {
  status: SchedulerRunStatus;
  dynoId: string;
  /** `scheduler.1234` */
  dynoName: string;
  exitCode: number | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface SchedulerJob {
  id: string;
  appId: string;
  command: string;
  /** Canonical dyno size name (`standard-1x`). */
  size: string;
  /** `every_10_minutes`, `hourly`, `daily` or `cron` (core/scheduler-job.ts). */
  frequency: string;
  /** `:MM` (hourly), `HH:MM` (daily), else null. */
  at: string | null;
  /** The cron expression the schedule amounts to (UTC). */
  cron: string;
  nextRunAt: string;
  lastRun: SchedulerRun | null;
  lastSkip: { at: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type NewSchedulerJob = Pick<SchedulerJob, 'appId' | 'command' | 'size' | 'frequency' | 'at' | 'cron' | 'nextRunAt'>;

export type SchedulerJobPatch = Partial<Pick<SchedulerJob, 'command' | 'size' | 'frequency' | 'at' | 'cron' | 'nextRunAt'>>;

export interface SchedulerJobRepository {
  create(input: NewSchedulerJob): Promise<SchedulerJob>;
  /** The app's jobs, oldest first. */
  list(appId: string): Promise<SchedulerJob[]>;
  countForApp(appId: string): Promise<number>;
  findById(id: string): Promise<SchedulerJob | undefined>;
  update(id: string, patch: SchedulerJobPatch): Promise<SchedulerJob | undefined>;
  delete(id: string): Promise<boolean>;
  /** Jobs of every app whose next run is at or before `now`. */
  listDue(now: string): Promise<SchedulerJob[]>;
  /** The earliest next run of all jobs, for the timer. */
  nextDue(): Promise<string | undefined>;
  /**
   * Moves the next run from `from` to `to` only if it still is `from` (a job edited or run by
   * someone else meanwhile is left alone): true when this caller claimed the run.
   */
  claimRun(id: string, from: string, to: string): Promise<boolean>;
  /** Records a started run (status `running`). */
  runStarted(id: string, run: { dynoId: string; dynoName: string; startedAt: string }): Promise<void>;
  /** Ends the run of dyno `dynoId`, if it still is the job's last run. */
  runFinished(id: string, dynoId: string, end: { status: Exclude<SchedulerRunStatus, 'running'>; exitCode: number | null; finishedAt: string }): Promise<void>;
  /** Records a run that was due but not started (previous run still running, no release yet). */
  runSkipped(id: string, skip: { at: string; reason: string }): Promise<void>;
  /** Jobs of every app whose last run is still `running`. */
  listRunning(): Promise<SchedulerJob[]>;
}
