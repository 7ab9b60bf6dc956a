import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCronRun, parseCron } from '../../src/core/cron-expression.js';
import { PlatformError } from '../../src/core/errors.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? 'never' : new Date(ms).toISOString().replace(':00.000Z', 'Z'));

/** The next `count` runs after `from`, as minutes in ISO form. */
function runs(expression: string, from: string, count: number): string[] {
  const cron = parseCron(expression);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronRun(cron, t);
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

describe('cron expressions: next runs', () => {
  const cases: Array<[string, string, number, string[]]> = [
    ['* * * * *', '2026-03-01T10:00:30Z', 3, ['2026-03-01T10:01Z', '2026-03-01T10:02Z', '2026-03-01T10:03Z']],
    ['*/10 * * * *', '2026-03-01T10:05:00Z', 3, ['2026-03-01T10:10Z', '2026-03-01T10:20Z', '2026-03-01T10:30Z']],
    ['30 * * * *', '2026-03-01T10:30:00Z', 2, ['2026-03-01T11:30Z', '2026-03-01T12:30Z']],
    ['5 14 * * *', '2026-03-01T15:00:00Z', 2, ['2026-03-02T14:05Z', '2026-03-03T14:05Z']],
    ['0 9-17/4 * * MON-FRI', '2026-03-06T17:00:00Z', 4, ['2026-03-09T09:00Z', '2026-03-09T13:00Z', '2026-03-09T17:00Z', '2026-03-10T09:00Z']],
    ['0 0 1,15 * *', '2026-01-20T00:00:00Z', 2, ['2026-02-01T00:00Z', '2026-02-15T00:00Z']],
    ['0 0 31 * *', '2026-01-31T00:00:00Z', 2, ['2026-03-31T00:00Z', '2026-05-31T00:00Z']],
    ['0 12 29 feb *', '2026-01-01T00:00:00Z', 1, ['2028-02-29T12:00Z']],
    ['0 0 * * 7', '2026-03-01T00:00:00Z', 1, ['2026-03-08T00:00Z']],
    ['0 0 13 * fri', '2026-03-01T00:00:00Z', 3, ['2026-03-06T00:00Z', '2026-03-13T00:00Z', '2026-03-20T00:00Z']],
    ['15/20 * * * *', '2026-03-01T10:00:00Z', 3, ['2026-03-01T10:15Z', '2026-03-01T10:35Z', '2026-03-01T10:55Z']],
    ['@daily', '2026-12-31T23:59:59Z', 1, ['2027-01-01T00:00Z']],
    ['@weekly', '2026-03-02T00:00:00Z', 1, ['2026-03-08T00:00Z']],
    ['59 23 31 12 *', '2026-12-31T23:59:00Z', 1, ['2027-12-31T23:59Z']],
  ];
  for (const [expression, from, count, expected] of cases) {
    it(`"${expression}" after ${from} runs at ${expected.join(', ')}`, () => {
      assert.deepEqual(runs(expression, from, count), expected);
    });
  }

  it('a run is always strictly after the given time, on a whole minute', () => {
    const cron = parseCron('* * * * *');
    assert.equal(nextCronRun(cron, at('2026-03-01T10:00:00Z')), at('2026-03-01T10:01:00Z'));
    assert.equal(nextCronRun(cron, at('2026-03-01T10:00:59.999Z')), at('2026-03-01T10:01:00Z'));
  });
});

describe('cron expressions: errors name the field and the position', () => {
  const cases: Array<[string, RegExp]> = [
    ['0 25 * * *', /field 2 \(hour\) at position 3: 25 is out of range 0-23/],
    ['*/0 * * * *', /field 1 \(minute\) at position 3: step 0 is out of range 1-59/],
    ['* * * *', /the expression at position 8: expected 5 fields .* found 4/],
    ['* * * * * *', /the expression at position 11: expected 5 fields .* found 6/],
    ['* * * foo *', /field 4 \(month\) at position 7: "foo" is not a number 1-12 or a name JAN-DEC/],
    ['* * 0 * *', /field 3 \(day-of-month\) at position 5: 0 is out of range 1-31/],
    ['5-1 * * * *', /field 1 \(minute\) at position 1: range 5-1 runs backwards/],
    ['1,,2 * * * *', /field 1 \(minute\) at position 3: empty list item/],
    ['* * * * 1-8', /field 5 \(day-of-week\) at position 11: 8 is out of range 0-7/],
    ['*/x * * * *', /field 1 \(minute\) at position 3: step "x" is not a whole number/],
    ['0 0 30 2 *', /field 3 \(day-of-month\) at position 5: no month .* never run/],
    ['@reboot', /the expression at position 1: unknown macro/],
    ['', /expected 5 fields .* found 0/],
    ['* * * * mon-', /field 5 \(day-of-week\) at position 13: expected a number 0-7 or a name SUN-SAT/],
  ];
  for (const [expression, message] of cases) {
    it(`"${expression}" is refused with invalid_cron: ${message.source}`, () => {
      assert.throws(() => parseCron(expression), (err: unknown) => {
        assert.ok(err instanceof PlatformError);
        assert.equal(err.id, 'invalid_cron');
        assert.equal(err.status, 422);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});
