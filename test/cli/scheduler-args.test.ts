import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/cli-error.js';
import { parseScheduleFlags } from '../../src/cli/scheduler-args.js';

const cases: Array<[string, Record<string, string>, unknown]> = [
  ['every 10 minutes', { every: '10m' }, { frequency: 'every_10_minutes' }],
  ['every 10 minutes spelt out', { every: '10 minutes' }, { frequency: 'every_10_minutes' }],
  ['hourly at a minute', { hourly: ':30' }, { frequency: 'hourly', at: ':30' }],
  ['hourly without the colon', { hourly: '5' }, { frequency: 'hourly', at: ':5' }],
  ['daily at a UTC time', { daily: '04:30' }, { frequency: 'daily', at: '04:30' }],
  ['a cron expression, trimmed', { cron: ' */15 9-17 * * MON-FRI ' }, { frequency: 'cron', cron: '*/15 9-17 * * MON-FRI' }],
];
for (const [name, flags, expected] of cases) {
  test(`scheduler:add reads ${name} (${JSON.stringify(flags)})`, () => {
    assert.deepEqual(parseScheduleFlags(flags), expected);
  });
}

const refused: Array<[string, Record<string, string>, RegExp]> = [
  ['no schedule', {}, /Give the job a schedule: --every 10m, --hourly :MM, --daily HH:MM \(UTC\) or --cron/],
  ['two schedules', { every: '10m', daily: '04:00' }, /Give one schedule, not --every and --daily/],
  ['an interval Heroku does not offer', { every: '5m' }, /--every 5m is not one of Heroku's choices/],
  ['a minute past 59', { hourly: ':60' }, /--hourly :60 is not a minute/],
  ['an hour past 23', { daily: '24:00' }, /--daily 24:00 is not a time: use HH:MM in UTC/],
];
for (const [name, flags, message] of refused) {
  test(`scheduler:add refuses ${name} with a usage error listing the valid forms`, () => {
    assert.throws(() => parseScheduleFlags(flags), (err: unknown) => err instanceof UsageError && message.test(err.message));
  });
}
