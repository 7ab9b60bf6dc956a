/**
 * Postgres transfers (Heroku PGBackups' word for backups, restores and copies): their names
 * (`b001`, `a002`, `r003`, `c004` — one number sequence per app), the `--at '02:00 UTC'` schedule
 * syntax and the retention rule for scheduled backups. Pure: the clock comes in as arguments.
 */
import { invalidParams } from './errors.js';

/** What a transfer does: capture a backup (manual or scheduled), restore one, or copy a database. */
export type TransferKind = 'backup' | 'restore' | 'copy';

/** Heroku's letter for a transfer: a manual backup, a scheduled (automatic) one, a restore, a copy. */
export function transferPrefix(kind: TransferKind, scheduled: boolean): 'a' | 'b' | 'c' | 'r' {
  if (kind === 'copy') return 'c';
  if (kind === 'restore') return 'r';
  return scheduled ? 'a' : 'b';
}

/** `b001`, `a012`, `r1234`: the prefix and the number, padded to three digits. */
export function transferName(kind: TransferKind, scheduled: boolean, num: number): string {
  return `${transferPrefix(kind, scheduled)}${String(num).padStart(3, '0')}`;
}

/** The number in `b001` / `a2` / `r010`, or a plain `7`; undefined when the text is no transfer name. */
export function parseTransferName(text: string): number | undefined {
  const match = /^[abcr]?(\d{1,9})$/i.exec(text.trim());
  if (!match) return undefined;
  const num = Number(match[1]);
  return num > 0 ? num : undefined;
}

/** A daily backup schedule: the hour (0–23) in an IANA time zone. */
export interface ScheduleAt {
  hour: number;
  timezone: string;
}

/** Heroku's short names for the zones its CLI accepts (`--at '02:00 PST'`). */
const ZONE_ALIASES: Record<string, string> = {
  UTC: 'UTC',
  GMT: 'UTC',
  Z: 'UTC',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  BST: 'Europe/London',
  JST: 'Asia/Tokyo',
};

/** A zone name Intl knows, canonical; throws invalid_params for anything else. */
export function normalizeTimezone(zone: string): string {
  const alias = ZONE_ALIASES[zone.toUpperCase()];
  if (alias) return alias;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw invalidParams(`Unknown time zone ${JSON.stringify(zone)}: use UTC, an abbreviation like PST, or an IANA name like Europe/Berlin.`);
  }
}

/** `'02:00 UTC'`, `'2:00'`, `'23:00 Europe/Berlin'` → hour and zone (UTC when omitted). Whole hours only, as on Heroku. */
export function parseScheduleAt(text: string): ScheduleAt {
  const match = /^\s*(0?\d|1\d|2[0-3]):00(?:\s*(\S+))?\s*$/.exec(text);
  if (!match) throw invalidParams(`Invalid schedule ${JSON.stringify(text)}: expected --at 'HOUR:00 [TIMEZONE]', e.g. '02:00 UTC' (whole hours, 0–23).`);
  return { hour: Number(match[1]), timezone: normalizeTimezone(match[2] ?? 'UTC') };
}

/** The wall-clock hour and minute of `instant` in `timezone`, and the calendar day (`2026-12-06`). */
export function localTime(instant: Date, timezone: string): { day: string; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), minute: Number(get('minute')) };
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;

/**
 * The first instant strictly after `after` when the clock in the schedule's zone shows HOUR:00.
 * Zones are whole or quarter hours off UTC, so quarter-hour steps find it; a day whose HOUR:00
 * is skipped by a daylight-saving change runs at the next day's.
 */
export function nextScheduledRun(schedule: ScheduleAt, after: Date): Date {
  let t = Math.floor(after.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS;
  for (let i = 0; i < 4 * 24 * 3; i++, t += QUARTER_HOUR_MS) {
    const local = localTime(new Date(t), schedule.timezone);
    if (local.hour === schedule.hour && local.minute === 0) return new Date(t);
  }
  throw new Error(`no ${schedule.hour}:00 in ${schedule.timezone} within three days of ${after.toISOString()}`);
}

/** How many scheduled backups to keep: the newest of each of the last `daily` days and `weekly` weeks. */
export interface Retention {
  daily: number;
  weekly: number;
}

export const DEFAULT_RETENTION: Retention = { daily: 7, weekly: 4 };

/** Monday of the week holding `day` (`YYYY-MM-DD`), as `YYYY-MM-DD`. */
function weekOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Which scheduled backups retention removes. Kept: the newest successful backup of each of the
 * `daily` most recent days that have one, and of each of the `weekly` most recent weeks; failed
 * ones only while no newer backup succeeded. Days and weeks are those of the schedule's zone.
 */
export function backupsToExpire<T extends { id: string; createdAt: string; succeeded: boolean }>(
  backups: readonly T[],
  retention: Retention,
  timezone: string,
): T[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const keep = new Set<string>();
  const days = new Set<string>();
  const weeks = new Set<string>();
  let newerSucceeded = false;
  for (const backup of newestFirst) {
    if (!backup.succeeded) {
      if (!newerSucceeded) keep.add(backup.id);
      continue;
    }
    newerSucceeded = true;
    const day = localTime(new Date(backup.createdAt), timezone).day;
    const week = weekOf(day);
    if (!days.has(day) && days.size < retention.daily) {
      days.add(day);
      keep.add(backup.id);
    }
    if (!weeks.has(week) && weeks.size < retention.weekly) {
      weeks.add(week);
      keep.add(backup.id);
    }
  }
  return newestFirst.filter((b) => !keep.has(b.id));
}
