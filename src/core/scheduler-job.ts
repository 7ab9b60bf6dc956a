/**
 * Heroku Scheduler jobs as pure rules: a job's schedule (Heroku's choices — every 10 minutes,
 * hourly at :MM, daily at HH:MM UTC — or a cron expression), read from API parameters, shown as
 * text, and the tick decision: when a job is due, it runs once, however many of its runs passed
 * while Berth was down (at most one catch-up), and its next run is the first one after now.
 */
import { nextCronRun, parseCron, type CronExpression } from './cron-expression.js';
import { PlatformError } from './errors.js';

export type JobFrequency = 'every_10_minutes' | 'hourly' | 'daily' | 'cron';

export const JOB_FREQUENCIES: readonly JobFrequency[] = ['every_10_minutes', 'hourly', 'daily', 'cron'];

/** A job's schedule: its frequency, `at` for hourly (`:MM`) and daily (`HH:MM`), and the cron it amounts to. */
export interface JobSchedule {
  frequency: JobFrequency;
  /** `:30` for hourly, `14:05` for daily, null otherwise. */
  at: string | null;
  cron: CronExpression;
}

/** A job's command: one line of text, like a Procfile command. */
export const MAX_COMMAND_LENGTH = 4096;

const two = (n: number) => String(n).padStart(2, '0');

/** Reads `{frequency, at, cron}` (as the API receives them, or as stored); throws invalid_params or invalid_cron. */
export function readSchedule(input: { frequency?: unknown; at?: unknown; cron?: unknown }): JobSchedule {
  const { frequency, at, cron } = input;
  if (typeof frequency !== 'string' || !(JOB_FREQUENCIES as readonly string[]).includes(frequency)) {
    throw new PlatformError('invalid_params', `frequency must be one of ${JOB_FREQUENCIES.join(', ')} (got ${JSON.stringify(frequency ?? null)}).`);
  }
  const noAt = () => {
    if (at !== undefined && at !== null) throw new PlatformError('invalid_params', `at is only for hourly (":MM") and daily ("HH:MM") jobs, not ${frequency}.`);
  };
  const noCron = () => {
    if (cron !== undefined && cron !== null) throw new PlatformError('invalid_params', `cron is only for frequency cron, not ${frequency}.`);
  };
  switch (frequency as JobFrequency) {
    case 'every_10_minutes':
      noAt();
      noCron();
      return { frequency: 'every_10_minutes', at: null, cron: parseCron('*/10 * * * *') };
    case 'hourly': {
      noCron();
      const m = typeof at === 'string' ? /^:?([0-5]?\d)$/.exec(at) : null;
      if (!m) throw new PlatformError('invalid_params', `An hourly job needs at as ":MM" (minute 00-59), e.g. ":30" (got ${JSON.stringify(at ?? null)}).`);
      const minute = Number(m[1]);
      return { frequency: 'hourly', at: `:${two(minute)}`, cron: parseCron(`${minute} * * * *`) };
    }
    case 'daily': {
      noCron();
      const m = typeof at === 'string' ? /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(at) : null;
      if (!m) throw new PlatformError('invalid_params', `A daily job needs at as "HH:MM" in UTC (00:00-23:59), e.g. "14:05" (got ${JSON.stringify(at ?? null)}).`);
      const hour = Number(m[1]);
      const minute = Number(m[2]);
      return { frequency: 'daily', at: `${two(hour)}:${two(minute)}`, cron: parseCron(`${minute} ${hour} * * *`) };
    }
    case 'cron':
      noAt();
      if (typeof cron !== 'string' || cron.trim() === '') throw new PlatformError('invalid_params', 'A cron job needs cron, five fields in UTC, e.g. "*/15 9-17 * * MON-FRI".');
      if (cron.length > 200) throw new PlatformError('invalid_params', 'cron is longer than 200 characters.');
      return { frequency: 'cron', at: null, cron: parseCron(cron) };
  }
}

/** The schedule of a stored job (its `cron` column holds the equivalent expression for every frequency). */
export function storedSchedule(job: { frequency: string; at: string | null; cron: string }): JobSchedule {
  return readSchedule({ frequency: job.frequency, at: job.at, cron: job.frequency === 'cron' ? job.cron : null });
}

/** `every 10 minutes`, `hourly at :30`, `daily at 14:05 UTC`, `cron "0 9 * * MON" (UTC)`. */
export function describeSchedule(schedule: JobSchedule): string {
  switch (schedule.frequency) {
    case 'every_10_minutes':
      return 'every 10 minutes';
    case 'hourly':
      return `hourly at ${schedule.at}`;
    case 'daily':
      return `daily at ${schedule.at} UTC`;
    case 'cron':
      return `cron "${schedule.cron.source}" (UTC)`;
  }
}

/** The first run strictly after `after` (ms since epoch); parsing guarantees one exists. */
export function nextRunAfter(schedule: JobSchedule, after: number): number {
  const next = nextCronRun(schedule.cron, after);
  if (next === undefined) throw new Error(`cron ${schedule.cron.source} has no run within eight years`);
  return next;
}

/** What a due job does at `now`: run once, and how many further scheduled runs it passes over. */
export interface JobTick {
  /** The job is due: start one run now. */
  run: boolean;
  /** Scheduled runs between the one due and now that are not replayed (Berth was down, or busy). */
  missed: number;
  /** The run to store as next (ms since epoch): unchanged when not due, else the first after now. */
  nextRunAt: number;
  /** The due time was passed by more than `lateAfterMs`: the run is a catch-up and says so. */
  catchUp: boolean;
}

/** Counting passed-over runs stops here (a job every minute, down for a week). */
const MISSED_COUNT_CAP = 100_000;

/**
 * The tick decision for a job whose stored next run is `nextRunAt`: not due yet → nothing; due →
 * one run (a catch-up when later than `lateAfterMs`), the runs after it that also passed are
 * counted, not replayed, and the next run is the first after `now`.
 */
export function tickJob(schedule: JobSchedule, nextRunAt: number, now: number, lateAfterMs = 60_000): JobTick {
  if (nextRunAt > now) return { run: false, missed: 0, nextRunAt, catchUp: false };
  let missed = 0;
  let t = nextRunAfter(schedule, nextRunAt);
  while (t <= now && missed < MISSED_COUNT_CAP) {
    missed += 1;
    t = nextRunAfter(schedule, t);
  }
  return { run: true, missed, nextRunAt: t <= now ? nextRunAfter(schedule, now) : t, catchUp: now - nextRunAt > lateAfterMs };
}
