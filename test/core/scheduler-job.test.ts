import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '../../src/core/errors.js';
import { describeSchedule, readSchedule, tickJob } from '../../src/core/scheduler-job.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("Heroku Scheduler's choices", () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ frequency: 'every_10_minutes' }, 'every 10 minutes', '*/10 * * * *'],
    [{ frequency: 'hourly', at: ':30' }, 'hourly at :30', '30 * * * *'],
    [{ frequency: 'hourly', at: '5' }, 'hourly at :05', '5 * * * *'],
    [{ frequency: 'daily', at: '9:05' }, 'daily at 09:05 UTC', '5 9 * * *'],
    [{ frequency: 'daily', at: '23:59' }, 'daily at 23:59 UTC', '59 23 * * *'],
    [{ frequency: 'cron', cron: ' 0 9 * * MON ' }, 'cron "0 9 * * MON" (UTC)', '0 9 * * MON'],
  ];
  for (const [input, text, cron] of cases) {
    it(`${JSON.stringify(input)} reads as ${text}, the cron ${cron}`, () => {
      const schedule = readSchedule(input);
      assert.equal(describeSchedule(schedule), text);
      assert.equal(schedule.cron.source, cron);
    });
  }

  const refused: Array<[Record<string, unknown>, string, RegExp]> = [
    [{}, 'invalid_params', /frequency must be one of every_10_minutes, hourly, daily, cron/],
    [{ frequency: 'weekly' }, 'invalid_params', /frequency must be one of/],
    [{ frequency: 'hourly' }, 'invalid_params', /hourly job needs at as ":MM"/],
    [{ frequency: 'hourly', at: ':60' }, 'invalid_params', /hourly job needs at/],
    [{ frequency: 'daily', at: '24:00' }, 'invalid_params', /daily job needs at as "HH:MM" in UTC/],
    [{ frequency: 'daily', at: '7' }, 'invalid_params', /daily job needs at/],
    [{ frequency: 'every_10_minutes', at: ':10' }, 'invalid_params', /at is only for hourly/],
    [{ frequency: 'daily', at: '10:00', cron: '* * * * *' }, 'invalid_params', /cron is only for frequency cron/],
    [{ frequency: 'cron' }, 'invalid_params', /cron job needs cron/],
    [{ frequency: 'cron', cron: '61 * * * *' }, 'invalid_cron', /field 1 \(minute\) at position 1/],
  ];
  for (const [input, id, message] of refused) {
    it(`${JSON.stringify(input)} is refused with ${id}`, () => {
      assert.throws(() => readSchedule(input), (err: unknown) => err instanceof PlatformError && err.id === id && message.test(err.message));
    });
  }
});

describe('the tick decision', () => {
  const everyTen = readSchedule({ frequency: 'every_10_minutes' });

  it('a job whose next run is still ahead does nothing', () => {
    assert.deepEqual(tickJob(everyTen, at('2026-03-01T10:10:00Z'), at('2026-03-01T10:09:59Z')), { run: false, missed: 0, nextRunAt: at('2026-03-01T10:10:00Z'), catchUp: false });
  });

  it('a job due now runs once and its next run is the following one', () => {
    const tick = tickJob(everyTen, at('2026-03-01T10:10:00Z'), at('2026-03-01T10:10:00.004Z'));
    assert.deepEqual({ ...tick, nextRunAt: iso(tick.nextRunAt) }, { run: true, missed: 0, nextRunAt: '2026-03-01T10:20:00.000Z', catchUp: false });
  });

  it('runs missed while Berth was down are one catch-up run, the rest counted and not replayed', () => {
    const tick = tickJob(everyTen, at('2026-03-01T10:10:00Z'), at('2026-03-01T13:05:00Z'));
    assert.deepEqual({ ...tick, nextRunAt: iso(tick.nextRunAt) }, { run: true, missed: 17, nextRunAt: '2026-03-01T13:10:00.000Z', catchUp: true });
  });

  it('a daily job missed by three days runs once and is next due tomorrow at its time', () => {
    const daily = readSchedule({ frequency: 'daily', at: '04:00' });
    const tick = tickJob(daily, at('2026-03-01T04:00:00Z'), at('2026-03-04T12:00:00Z'));
    assert.deepEqual({ ...tick, nextRunAt: iso(tick.nextRunAt) }, { run: true, missed: 3, nextRunAt: '2026-03-05T04:00:00.000Z', catchUp: true });
  });
});
