import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRouterLine, runtimeErrorCode } from '../../src/core/app-metrics.js';
import { MetricsBook } from '../../src/core/metrics-book.js';

// An injected clock: minute m of 2026-01-01 plus s seconds, in unix ms.
const T0 = Date.UTC(2026, 0, 1);
const at = (m: number, s = 0) => T0 + m * 60_000 + s * 1000;
const minute = (m: number) => (T0 + m * 60_000) / 1000;
const ok = (ms: number) => ({ status: 200, serviceMs: ms, code: null });
const sample = (rssMb: number, load = 0.5) => ({ rssMb, swapMb: 0, quotaMb: 512, load });

describe('MetricsBook', () => {
  it('counts requests by status class and H-code per minute, with percentiles of the service times', () => {
    const book = new MetricsBook();
    for (let i = 1; i <= 100; i++) book.request('a', at(0, i % 60), ok(i));
    book.request('a', at(0, 30), { status: 302, serviceMs: 3, code: null });
    book.request('a', at(0, 31), { status: 503, serviceMs: null, code: 'H10' });
    book.request('a', at(0, 32), { status: 404, serviceMs: 1, code: null });
    const [row] = book.rows(minute(0), minute(0), 'a')[0]!.minutes;
    assert.deepEqual(row!.requests, { '2xx': 100, '3xx': 1, '4xx': 1, '5xx': 1 });
    assert.deepEqual(row!.errors, { H10: 1 });
    assert.ok(Math.abs(row!.p50! - 49) <= 1, `p50 ${row!.p50}`);
    assert.ok(Math.abs(row!.p99! - 98) <= 2, `p99 ${row!.p99}`);
  });

  it('fixes a minute when the next one begins and starts the next with a fresh histogram', () => {
    const book = new MetricsBook();
    book.request('a', at(0, 10), ok(1000));
    book.request('a', at(1, 5), ok(10));
    book.request('a', at(1, 50), ok(10));
    const rows = book.rows(minute(0), minute(1), 'a')[0]!.minutes;
    assert.deepEqual(rows.map((r) => [r.minute, r.requests['2xx'], r.p99]), [
      [minute(0), 1, 1000],
      [minute(1), 2, 10],
    ]);
  });

  it('counts an event stamped before the newest minute in the newest minute (a clock that steps back)', () => {
    const book = new MetricsBook();
    book.request('a', at(5), ok(1));
    book.request('a', at(3), ok(1));
    assert.deepEqual(book.rows(minute(0), minute(10), 'a')[0]!.minutes.map((r) => [r.minute, r.requests['2xx']]), [[minute(5), 2]]);
  });

  it('keeps exactly the last 1440 minutes: an overwritten minute is gone, not mixed into the new one', () => {
    const book = new MetricsBook();
    book.request('a', at(0), ok(1));
    book.request('a', at(1), ok(1));
    book.request('a', at(1440), ok(1));
    const rows = book.rows(minute(0), minute(1440), 'a')[0]!.minutes;
    assert.deepEqual(rows.map((r) => [r.minute, r.requests['2xx']]), [
      [minute(1), 1],
      [minute(1440), 1],
    ]);
    assert.deepEqual(book.rows(minute(0), minute(0), 'a'), [], 'minute 0 was overwritten by minute 1440');
  });

  it('counts crashes, R-codes and restarts (a later start of a dyno name that ran before)', () => {
    const book = new MetricsBook();
    book.dynoStarted('a', at(0), 'web.1');
    book.dynoCrashed('a', at(0, 20));
    book.platformLine('a', at(0, 20), 'Error R14 (Memory quota exceeded)');
    book.platformLine('a', at(0, 21), 'State changed from up to crashed');
    book.dynoStarted('a', at(0, 40), 'web.1');
    book.dynoStarted('a', at(0, 41), 'web.2');
    const [row] = book.rows(minute(0), minute(0), 'a')[0]!.minutes;
    assert.equal(row!.crashes, 1);
    assert.equal(row!.restarts, 1);
    assert.deepEqual(row!.runtimeErrors, { R14: 1 });
    assert.deepEqual(row!.errors, {});
  });

  it('keeps the highest memory and load sampled in a minute per dyno', () => {
    const book = new MetricsBook();
    book.dynoSample('a', at(0, 0), { name: 'web.1', type: 'web' }, sample(40, 0.2));
    book.dynoSample('a', at(0, 20), { name: 'web.1', type: 'web' }, sample(60, 0.1));
    book.dynoSample('a', at(1, 0), { name: 'web.1', type: 'web' }, sample(50, 0.3));
    assert.deepEqual(book.rows(minute(0), minute(1), 'a')[0]!.dynos, [
      { dyno: 'web.1', type: 'web', minute: minute(0), rssMb: 60, swapMb: 0, quotaMb: 512, load: 0.2 },
      { dyno: 'web.1', type: 'web', minute: minute(1), rssMb: 50, swapMb: 0, quotaMb: 512, load: 0.3 },
    ]);
  });

  it('keeps at most maxApps apps and maxDynosPerApp dynos, making room by dropping the one updated longest ago', () => {
    const book = new MetricsBook({ maxApps: 2, maxDynosPerApp: 2 });
    book.request('old', at(0), ok(1));
    book.request('mid', at(1), ok(1));
    book.request('new', at(2), ok(1));
    assert.equal(book.appCount, 2);
    assert.deepEqual(book.rows(minute(0), minute(2)).map((r) => r.appId).sort(), ['mid', 'new']);
    for (const [i, name] of ['web.1', 'web.2', 'web.3'].entries()) book.dynoSample('new', at(3 + i), { name, type: 'web' }, sample(1));
    assert.equal(book.dynoCount('new'), 2);
    assert.deepEqual([...new Set(book.rows(minute(0), minute(9), 'new')[0]!.dynos.map((d) => d.dyno))].sort(), ['web.2', 'web.3']);
  });

  it('keeps at most maxDynos dyno names over all apps, dropping the one sampled longest ago', () => {
    const book = new MetricsBook({ maxDynos: 2 });
    book.dynoSample('a', at(0), { name: 'web.1', type: 'web' }, sample(1));
    book.dynoSample('b', at(1), { name: 'web.1', type: 'web' }, sample(1));
    book.dynoSample('c', at(2), { name: 'worker.1', type: 'worker' }, sample(1));
    assert.equal(book.totalDynos, 2);
    assert.deepEqual([book.dynoCount('a'), book.dynoCount('b'), book.dynoCount('c')], [0, 1, 1]);
    book.forget('b');
    assert.equal(book.totalDynos, 1);
  });

  it('forgets an app entirely', () => {
    const book = new MetricsBook();
    book.request('a', at(0), ok(1));
    book.forget('a');
    assert.deepEqual(book.rows(minute(0), minute(0)), []);
  });
});

describe('readRouterLine', () => {
  it("reads status and service time from the line's end, so a path or fwd with ` status=` in it cannot fool it", () => {
    const line = 'at=info method=GET path="/x status=500 service=9ms" host=a.example request_id=r fwd="1.2.3.4 status=404" dyno=web.1 connect=0ms service=12ms status=200 bytes=5 protocol=http';
    assert.deepEqual(readRouterLine(line), { status: 200, serviceMs: 12, code: null });
  });

  it('reads the H-code of an error line, with no service time when no dyno answered', () => {
    const line = 'at=error code=H10 desc="App crashed" method=GET path="/" host=a.example request_id=r fwd="1.2.3.4" dyno= connect= service= status=503 bytes= protocol=http';
    assert.deepEqual(readRouterLine(line), { status: 503, serviceMs: null, code: 'H10' });
  });

  it('ignores lines that are not router request lines, and reads R-codes of platform lines', () => {
    assert.equal(readRouterLine('Error L10 (output buffer overflow): 3 router log lines dropped'), null);
    assert.equal(runtimeErrorCode('Error R15 (Memory quota vastly exceeded)'), 'R15');
    assert.equal(runtimeErrorCode('Process exited with status 1'), null);
  });
});
