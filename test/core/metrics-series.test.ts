import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppMinute } from '../../src/core/app-metrics.js';
import { mergeRows, metricsSeries, metricsWindow } from '../../src/core/metrics-series.js';

const NOW = Date.UTC(2026, 0, 1, 12, 30, 15);
const app = { id: 'app-id', name: 'demo' };
const row = (minute: number, over: Partial<AppMinute> = {}): AppMinute => ({
  minute,
  requests: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  p50: null,
  p95: null,
  p99: null,
  errors: {},
  restarts: 0,
  crashes: 0,
  runtimeErrors: {},
  ...over,
});

describe('metricsSeries', () => {
  it('aligns 60 one-minute points ending with the current minute, 0 for counts and null for gauges without data', () => {
    const { to } = metricsWindow('1h', NOW);
    const s = metricsSeries(app, '1h', NOW, [row(to, { requests: { '2xx': 7, '3xx': 0, '4xx': 1, '5xx': 2 }, p50: 3, p95: 9, p99: 12, errors: { H12: 2 } })], []);
    assert.equal(s.timestamps.length, 60);
    assert.equal(s.timestamps.at(-1), Date.UTC(2026, 0, 1, 12, 30) / 1000);
    assert.equal(s.timestamps[1]! - s.timestamps[0]!, 60);
    assert.equal(s.step, 60);
    assert.equal(s.router.requests['2xx'].at(-1), 7);
    assert.equal(s.router.requests['2xx'][0], 0);
    assert.equal(s.router.response_time_ms.p99.at(-1), 12);
    assert.equal(s.router.response_time_ms.p99[0], null);
    assert.deepEqual(Object.keys(s.router.errors), ['H12']);
    assert.equal(s.router.errors.H12!.length, 60);
    assert.deepEqual(s.dynos, {});
  });

  it('has 1440 points for 24h and leaves out rows outside the window', () => {
    const { from } = metricsWindow('24h', NOW);
    const s = metricsSeries(app, '24h', NOW, [row(from - 60, { crashes: 5 }), row(from, { crashes: 1, runtimeErrors: { R14: 3 } })], []);
    assert.equal(s.timestamps.length, 1440);
    assert.equal(s.events.crashes.reduce((a, b) => a + b), 1);
    assert.deepEqual(s.events.runtime_errors.R14!.slice(0, 2), [3, 0]);
  });

  it('gives each dyno its series with its type and latest quota, sorted by name', () => {
    const { to } = metricsWindow('1h', NOW);
    const dyno = (name: string, minute: number, rssMb: number) => ({ dyno: name, type: name.split('.')[0]!, minute, rssMb, swapMb: 0, quotaMb: 512, load: 0.25 });
    const s = metricsSeries(app, '1h', NOW, [], [dyno('web.10', to, 30), dyno('web.2', to - 60, 20), dyno('web.2', to, 25)]);
    assert.deepEqual(Object.keys(s.dynos), ['web.2', 'web.10']);
    assert.deepEqual(s.dynos['web.2']!.memory_rss_mb.slice(-3), [null, 20, 25]);
    assert.equal(s.dynos['web.2']!.memory_quota_mb, 512);
    assert.equal(s.dynos['web.10']!.load_avg_1m.at(-1), 0.25);
  });
});

describe('mergeRows', () => {
  it('takes the newer source where both have a minute of the same dyno', () => {
    const merged = mergeRows([row(60, { crashes: 1 }), row(120, { crashes: 2 })], [row(120, { crashes: 3 })]);
    assert.deepEqual(merged.map((r) => [r.minute, r.crashes]), [[60, 1], [120, 3]]);
  });
});
