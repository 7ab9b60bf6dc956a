/**
 * `berth scheduler:add`'s schedule flags → the API's `{frequency, at, cron}`: exactly one of
 * `--every 10m`, `--hourly :MM`, `--daily HH:MM` (UTC) or `--cron "m h dom mon dow"`. Pure; the
 * API validates the values again (and parses the cron expression, naming what is wrong).
 */
import { UsageError } from './cli-error.js';

export interface ScheduleBody {
  frequency: 'every_10_minutes' | 'hourly' | 'daily' | 'cron';
  at?: string;
  cron?: string;
}

const FORMS = '--every 10m, --hourly :MM, --daily HH:MM (UTC) or --cron "MIN HOUR DOM MON DOW"';

export function parseScheduleFlags(flags: { every?: string | undefined; hourly?: string | undefined; daily?: string | undefined; cron?: string | undefined }): ScheduleBody {
  const given = (['every', 'hourly', 'daily', 'cron'] as const).filter((name) => flags[name] !== undefined);
  if (given.length === 0) throw new UsageError(`Give the job a schedule: ${FORMS}.`);
  if (given.length > 1) throw new UsageError(`Give one schedule, not ${given.map((g) => `--${g}`).join(' and ')}: ${FORMS}.`);
  const value = (flags[given[0] as keyof typeof flags] as string).trim();
  switch (given[0]) {
    case 'every':
      if (!/^10\s*(m|min|mins|minutes)?$/i.test(value)) {
        throw new UsageError(`--every ${value} is not one of Heroku's choices: --every 10m, or --hourly / --daily.`, `For other intervals use cron, e.g. --cron "*/5 * * * *".`);
      }
      return { frequency: 'every_10_minutes' };
    case 'hourly':
      if (!/^:?[0-5]?\d$/.test(value)) throw new UsageError(`--hourly ${value} is not a minute: use :MM, e.g. --hourly :30.`);
      return { frequency: 'hourly', at: value.startsWith(':') ? value : `:${value}` };
    case 'daily':
      if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(value)) throw new UsageError(`--daily ${value} is not a time: use HH:MM in UTC, e.g. --daily 04:30.`);
      return { frequency: 'daily', at: value };
    default:
      return { frequency: 'cron', cron: value };
  }
}
