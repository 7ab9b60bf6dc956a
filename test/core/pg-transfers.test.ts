import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlatformError } from '../../src/core/errors.js';
import {
  backupsToExpire,
  nextScheduledRun,
  parseScheduleAt,
  parseTransferName,
  transferName,
} from '../../src/core/pg-transfers.js';

describe('transfer names', () => {
  it('name backups, scheduled backups, restores and copies as Heroku does', () => {
    assert.equal(transferName('backup', false, 1), 'b001');
    assert.equal(transferName('backup', true, 12), 'a012');
    assert.equal(transferName('restore', false, 3), 'r003');
    assert.equal(transferName('copy', false, 1234), 'c1234');
  });

  it('read back the number from a name or a bare number', () => {
    assert.equal(parseTransferName('b001'), 1);
    assert.equal(parseTransferName('a012'), 12);
    assert.equal(parseTransferName('7'), 7);
    for (const bad of ['', 'b', 'x001', 'b000', 'b-1', 'b1.5']) assert.equal(parseTransferName(bad), undefined, bad);
  });
});

describe('parseScheduleAt', () => {
  it("reads '02:00 UTC', a bare hour and Heroku's zone abbreviations", () => {
    assert.deepEqual(parseScheduleAt('02:00 UTC'), { hour: 2, timezone: 'UTC' });
    assert.deepEqual(parseScheduleAt('2:00'), { hour: 2, timezone: 'UTC' });
    assert.deepEqual(parseScheduleAt('23:00 PST'), { hour: 23, timezone: 'America/Los_Angeles' });
    assert.deepEqual(parseScheduleAt('05:00 Europe/Berlin'), { hour: 5, timezone: 'Europe/Berlin' });
  });

  for (const bad of ['02:30 UTC', '24:00', 'noon', '02:00 Mars/Olympus', '']) {
    it(`refuses ${JSON.stringify(bad)} with invalid_params`, () => {
      assert.throws(() => parseScheduleAt(bad), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params');
    });
  }
});

describe('nextScheduledRun', () => {
  it('is later today when the hour is still ahead, else tomorrow', () => {
    const at = { hour: 2, timezone: 'UTC' };
    assert.equal(nextScheduledRun(at, new Date('2026-12-06T01:10:00Z')).toISOString(), '2026-12-06T02:00:00.000Z');
    assert.equal(nextScheduledRun(at, new Date('2026-12-06T02:00:00Z')).toISOString(), '2026-12-07T02:00:00.000Z');
  });

  it("follows the schedule's zone, including a half-hour one", () => {
    assert.equal(nextScheduledRun({ hour: 2, timezone: 'Europe/Berlin' }, new Date('2026-12-06T03:00:00Z')).toISOString(), '2026-12-07T01:00:00.000Z');
    assert.equal(nextScheduledRun({ hour: 2, timezone: 'Asia/Kolkata' }, new Date('2026-12-06T00:00:00Z')).toISOString(), '2026-12-06T20:30:00.000Z');
  });
});

describe('backupsToExpire', () => {
  const day = (d: number, h = 2) => new Date(Date.UTC(2026, 11, d, h)).toISOString();
  const backup = (id: string, createdAt: string, succeeded = true) => ({ id, createdAt, succeeded });

  it('keeps the newest of each of the last 7 days and 4 weeks, expires the rest', () => {
    // One backup a day for 40 days ending 2026-12-31, plus a second one on the last day.
    const all = Array.from({ length: 40 }, (_, i) => backup(`d${i}`, new Date(Date.UTC(2026, 10, 22 + i, 2)).toISOString()));
    all.push(backup('late', day(31, 20)));
    const expired = new Set(backupsToExpire(all, { daily: 7, weekly: 4 }, 'UTC').map((b) => b.id));
    const kept = all.filter((b) => !expired.has(b.id)).map((b) => b.createdAt.slice(0, 10));
    // Daily: Dec 25–31 (Dec 31's newest is `late`); weekly: the newest of the weeks starting Dec 28, 21, 14, 7.
    assert.deepEqual([...new Set(kept)].sort(), ['2026-12-13', '2026-12-20', '2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
    assert.ok(expired.has('d39'), "the day's older backup goes when a newer one exists");
    assert.ok(!expired.has('late'));
  });

  it('keeps a failed backup only while nothing newer succeeded', () => {
    const expired = backupsToExpire([backup('old-fail', day(1), false), backup('ok', day(2)), backup('new-fail', day(3), false)], { daily: 7, weekly: 4 }, 'UTC');
    assert.deepEqual(expired.map((b) => b.id), ['old-fail']);
  });
});
