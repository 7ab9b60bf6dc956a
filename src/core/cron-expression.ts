/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, in UTC) for Heroku
 * Scheduler jobs: the parser, which names the field and the character of the first problem, and
 * `nextCronRun`, the first matching minute after a given time. Pure: no clock, no zone but UTC.
 *
 * Syntax (Vixie cron's): `*`, `N`, `A-B`, `*` or `A-B` or `A` with `/STEP`, lists `a,b-c`; months
 * JAN–DEC and days SUN–SAT by name (any case); day-of-week 7 is Sunday too; the macros @hourly,
 * @daily (@midnight), @weekly, @monthly, @yearly (@annually). When both day fields are
 * restricted a day matching either runs (cron's rule), otherwise both must match.
 */
import { PlatformError } from './errors.js';

export interface CronExpression {
  /** The expression as given (trimmed). */
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Day-of-month and day-of-week both restricted (neither starts with `*`): either matches. */
  readonly eitherDay: boolean;
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MACROS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** Searching further than this for a match means the expression never runs (e.g. 30 February). */
const SEARCH_YEARS = 8;

class CronSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Parses `text`; throws PlatformError `invalid_cron` naming the field and 1-based character position. */
export function parseCron(text: string): CronExpression {
  const source = text.trim();
  const fail = (field: string, offset: number, why: string): never => {
    throw new PlatformError('invalid_cron', `Invalid cron expression ${JSON.stringify(source)}: ${field} at position ${offset + 1}: ${why}.`);
  };
  if (/[\u0000-\u001f\u007f]/.test(source)) fail('the expression', source.search(/[\u0000-\u001f\u007f]/), 'control characters are not allowed');
  if (source.startsWith('@')) {
    const expanded = MACROS[source.toLowerCase()];
    if (!expanded) fail('the expression', 0, `unknown macro; use one of ${Object.keys(MACROS).join(', ')} or five fields`);
    return { ...parseFields(expanded as string, fail), source };
  }
  return { ...parseFields(source, fail), source };
}

function parseFields(source: string, fail: (field: string, offset: number, why: string) => never): CronExpression {
  const parts: Array<{ text: string; offset: number }> = [];
  for (const m of source.matchAll(/\S+/g)) parts.push({ text: m[0], offset: m.index ?? 0 });
  if (parts.length !== 5) {
    const at = parts.length > 5 ? (parts[5] as { offset: number }).offset : source.length;
    fail('the expression', at, `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`);
  }
  const sets = parts.map((part, i) => {
    const rule = FIELDS[i] as FieldRule;
    try {
      return parseField(part.text, rule);
    } catch (err) {
      if (!(err instanceof CronSyntaxError)) throw err;
      return fail(`field ${i + 1} (${rule.name})`, part.offset + err.offset, err.message);
    }
  });
  const dow = sets[4] as Set<number>;
  if (dow.delete(7)) dow.add(0);
  const [minutes, hours, daysOfMonth, months] = sets as [Set<number>, Set<number>, Set<number>, Set<number>];
  const expression: CronExpression = {
    source,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: dow,
    eitherDay: !(parts[2] as { text: string }).text.startsWith('*') && !(parts[4] as { text: string }).text.startsWith('*'),
  };
  if (!canMatchADay(expression)) fail('field 3 (day-of-month)', (parts[2] as { offset: number }).offset, 'no month in field 4 has such a day, so the job would never run');
  return expression;
}

function parseField(text: string, rule: FieldRule): Set<number> {
  const values = new Set<number>();
  let offset = 0;
  for (const item of text.split(',')) {
    if (item === '') throw new CronSyntaxError(offset, 'empty list item');
    for (const v of parseItem(item, rule, offset)) values.add(v);
    offset += item.length + 1;
  }
  return values;
}

function parseItem(item: string, rule: FieldRule, at: number): number[] {
  const slash = item.indexOf('/');
  const range = slash === -1 ? item : item.slice(0, slash);
  let step = 1;
  if (slash !== -1) {
    const stepText = item.slice(slash + 1);
    if (!/^\d+$/.test(stepText)) throw new CronSyntaxError(at + slash + 1, `step ${JSON.stringify(stepText)} is not a whole number`);
    step = Number(stepText);
    if (step < 1 || step > rule.max) throw new CronSyntaxError(at + slash + 1, `step ${step} is out of range 1-${rule.max}`);
  }
  let from: number;
  let to: number;
  if (range === '*') {
    from = rule.min;
    to = rule.name === 'day-of-week' ? 6 : rule.max;
  } else {
    const dash = range.indexOf('-');
    from = value(dash === -1 ? range : range.slice(0, dash), rule, at);
    // `A/STEP` means from A to the end, stepping.
    to = dash === -1 ? (slash === -1 ? from : rule.max) : value(range.slice(dash + 1), rule, at + dash + 1);
    if (to < from) throw new CronSyntaxError(at, `range ${range} runs backwards`);
  }
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function value(text: string, rule: FieldRule, at: number): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < rule.min || n > rule.max) throw new CronSyntaxError(at, `${text} is out of range ${rule.min}-${rule.max}`);
    return n;
  }
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named !== -1) return rule.name === 'month' ? named + 1 : named;
  const expected = rule.names ? `a number ${rule.min}-${rule.max} or a name ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : `a number ${rule.min}-${rule.max}`;
  throw new CronSyntaxError(at, text === '' ? `expected ${expected}` : `${JSON.stringify(text)} is not ${expected}`);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** False when day-of-month alone decides and no chosen month has any chosen day (30 February). */
function canMatchADay(e: CronExpression): boolean {
  if (e.eitherDay || e.daysOfMonth.size === 31) return true;
  return [...e.months].some((m) => [...e.daysOfMonth].some((d) => d <= (DAYS_IN_MONTH[m - 1] as number)));
}

function dayMatches(e: CronExpression, date: Date): boolean {
  const dom = e.daysOfMonth.has(date.getUTCDate());
  const dow = e.daysOfWeek.has(date.getUTCDay());
  return e.eitherDay ? dom || dow : dom && dow;
}

/**
 * The first minute strictly after `after` (ms since epoch) that the expression matches, as ms
 * since epoch (seconds zero); undefined when none comes within eight years (29 February on a
 * Monday only, say).
 */
export function nextCronRun(e: CronExpression, after: number): number | undefined {
  const t = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = t.getTime() + SEARCH_YEARS * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!e.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(e, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!e.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!e.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t.getTime();
  }
  return undefined;
}
