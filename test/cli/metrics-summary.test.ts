import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppMinute } from '../../src/core/app-metrics.js';
import { metricsSeries } from '../../src/core/metrics-series.js';
import { metricsSummary } from '../../src/cli/metrics-summary.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 30);
const M = Date.UTC(2026, 0, 1, 12, 0) / 1000;
const minute = (minute: number, ok: number, p: [number, number, number]): AppMinute => ({
  minute,
  requests: { '2xx': ok, '3xx': 0, '4xx': 1, '5xx': 0 },
  p50: p[0],
  p95: p[1],
  p99: p[2],
  errors: minute === M ? { H12: 2 } : ({} as Record<string, number>),
  restarts: 1,
  crashes: 0,
  runtimeErrors: { R14: 1 },
});

describe('metricsSummary', () => {
  it('sums throughput, averages percentiles by requests, and lists codes, events and memory per dyno', () => {
    const series = metricsSeries({ id: 'i', name: 'demo' }, '1h', NOW, [minute(M - 60, 99, [10, 20, 30]), minute(M, 299, [20, 40, 90])], [
      { dyno: 'web.1', type: 'web', minute: M - 60, rssMb: 60.5, swapMb: 0, quotaMb: 512, load: 0.5 },
      { dyno: 'web.1', type: 'web', minute: M, rssMb: 50, swapMb: 1, quotaMb: 512, load: 0.25 },
    ]);
    assert.deepEqual(metricsSummary(series), [
      '=== demo metrics, last 1h (60 one-minute points)',
      'Throughput:    400 requests, 6.67/min on average, peak 300/min (2xx 398 · 3xx 0 · 4xx 2 · 5xx 0)',
      "Response time: p50 17.5 ms · p95 35 ms · p99 75 ms (minutes averaged by requests; worst minute's p99 90 ms)",
      'Router errors: H12 2',
      'Dyno events:   2 restarts · 0 crashes · R14 2',
      'web.1:         memory 50 MB (max 60.5) of 512 MB · swap 1 MB · load 0.25 (max 0.50)',
    ]);
  });

  it('says so when there is no traffic and no dyno sampled', () => {
    const lines = metricsSummary(metricsSeries({ id: 'i', name: 'quiet' }, '24h', NOW, [], []));
    assert.deepEqual(lines.slice(1), ['Throughput:    no requests', 'Response time: no requests reached a dyno', 'Router errors: none', 'Dyno events:   0 restarts · 0 crashes', 'Dynos:         no samples']);
  });
});
