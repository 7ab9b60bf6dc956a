import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minuteOf } from '../../src/core/app-metrics.js';
import { MetricsBook } from '../../src/core/metrics-book.js';
import type { MetricsSeries } from '../../src/core/metrics-series.js';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson } from './helpers.js';

// The live source is a real MetricsBook, as the host agent keeps it; the store is the harness's.
const book = new MetricsBook();
const api = useApi({ overrides: { metrics: { recent: async (appId, from, to) => book.rows(from, to, appId)[0] ?? { minutes: [], dynos: [] } } } });
const owner = api.user('metrics-owner@example.test');
const stranger = api.user('metrics-stranger@example.test');

const stored = (minute: number) => ({
  minute,
  requests: { '2xx': 40, '3xx': 0, '4xx': 0, '5xx': 2 },
  p50: 4,
  p95: 30,
  p99: 80,
  errors: { H12: 2 },
  restarts: 1,
  crashes: 1,
  runtimeErrors: { R14: 1 },
});

describe('GET /apps/:app/metrics (Berth extension)', () => {
  it('joins minutes from the store with the live minute from the host agent into aligned series', async () => {
    const app = await newApp(api, owner.key, 'metrics');
    const now = api.clock.now().getTime();
    const current = minuteOf(now);
    await api.store.appMetrics.save(app.id, { minutes: [stored(current - 600)], dynos: [{ dyno: 'web.1', type: 'web', minute: current - 600, rssMb: 48.5, swapMb: 0, quotaMb: 512, load: 0.3 }] });
    book.request(app.id, now, { status: 200, serviceMs: 7, code: null });
    book.request(app.id, now, { status: 503, serviceMs: null, code: 'H10' });
    const res = await api.request(`/apps/${app.name}/metrics`, { key: owner.key });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const s = await expectJson<MetricsSeries>(res, 200);
    assert.deepEqual(s.app, { id: app.id, name: app.name });
    assert.equal(s.range, '1h');
    assert.equal(s.timestamps.length, 60);
    assert.equal(s.timestamps.at(-1), current);
    const tenAgo = s.timestamps.indexOf(current - 600);
    assert.equal(s.router.requests['2xx'][tenAgo], 40);
    assert.equal(s.router.requests['2xx'].at(-1), 1);
    assert.equal(s.router.requests['5xx'].at(-1), 1);
    assert.equal(s.router.response_time_ms.p99[tenAgo], 80);
    assert.equal(s.router.response_time_ms.p50.at(-1), 7);
    assert.deepEqual(Object.keys(s.router.errors), ['H10', 'H12']);
    assert.equal(s.router.errors.H10!.at(-1), 1);
    assert.equal(s.events.crashes[tenAgo], 1);
    assert.equal(s.events.runtime_errors.R14![tenAgo], 1);
    assert.equal(s.dynos['web.1']!.memory_rss_mb[tenAgo], 48.5);
    assert.equal(s.dynos['web.1']!.memory_rss_mb.at(-1), null);
    assert.equal(s.dynos['web.1']!.memory_quota_mb, 512);
  });

  it('answers 1440 points for range=24h and refuses another range with invalid_params', async () => {
    const app = await newApp(api, owner.key, 'metrics');
    const day = await expectJson<MetricsSeries>(await api.request(`/apps/${app.name}/metrics?range=24h`, { key: owner.key }), 200);
    assert.equal(day.timestamps.length, 1440);
    assert.equal(day.router.requests['4xx'].length, 1440);
    assert.deepEqual(day.router.errors, {});
    const refused = await expectError(await api.request(`/apps/${app.name}/metrics?range=7d`, { key: owner.key }), 422, 'invalid_params');
    assert.match(refused.message, /range must be one of 1h, 24h/);
  });

  it("gives a stranger the same 404 for another user's app as for a missing one", async () => {
    const app = await newApp(api, owner.key, 'metrics');
    const hidden = await expectError(await api.request(`/apps/${app.name}/metrics`, { key: stranger.key }), 404, 'not_found');
    const missing = await expectError(await api.request('/apps/no-such-app-here/metrics', { key: stranger.key }), 404, 'not_found');
    assert.equal(hidden.message.replace(app.name, 'X'), missing.message.replace('no-such-app-here', 'X'));
  });
});
