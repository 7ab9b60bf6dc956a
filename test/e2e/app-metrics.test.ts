import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MetricsSeries } from '../../src/core/metrics-series.js';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { createApp, routerGet, waitForDynos } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The totals a test compares before and after a restart. */
function totals(s: MetricsSeries) {
  return {
    '2xx': sum(s.router.requests['2xx']),
    '5xx': sum(s.router.requests['5xx']),
    H80: sum(s.router.errors.H80 ?? []),
    crashes: sum(s.events.crashes),
    restarts: sum(s.events.restarts),
  };
}

// Metrics come from what Berth sees: the router's lines, the dynos' cgroup samples (every 500 ms
// here, a hidden test flag) and their events; a clean stop flushes them, and the next Berth on
// the same data dir serves them from the store (its new host agent starts with empty rings).
describe('app metrics from the router, the dynos and their events', () => {
  const ARGS = ['--crash-cool-off-ms', '2000', '--metrics-interval-ms', '500'];
  let first: BerthProcess;
  let second: BerthProcess | undefined;
  let repo: AppRepo | undefined;

  before(async () => {
    first = await startBerth({ args: ARGS });
  });
  after(async () => {
    await repo?.remove();
    const left = await shutDown(second ?? first);
    await first?.stop();
    assert.deepEqual(left, [], 'nothing of berth outlives it');
  });

  it('shows requests, an H-code, a crash with its restart and dyno memory, and keeps the minutes across a restart of Berth', async () => {
    const app = await createApp(first, `metrics-${suffix()}`);
    repo = await appRepo(first, app, 'greeting');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, `${pushed.stdout}${pushed.stderr}`);
    const [web] = await waitForDynos(first, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    for (let i = 0; i < 20; i++) assert.equal((await routerGet(first, app, `/hello/${i}`)).status, 200);

    // An H-code: maintenance mode answers H80.
    assert.equal((await api(first, `/apps/${app}`, { method: 'PATCH', body: JSON.stringify({ maintenance: true }) })).status, 200);
    await waitFor('the router to answer H80', async () => (await routerGet(first, app, '/h80')).status === 503);
    assert.equal((await api(first, `/apps/${app}`, { method: 'PATCH', body: JSON.stringify({ maintenance: false }) })).status, 200);
    await waitFor('the app to serve again', async () => (await routerGet(first, app)).status === 200);

    // A crash, and the restart that follows it.
    assert.equal((await routerGet(first, app, '/crash')).status, 200);
    await waitForDynos(first, app, 'web.1 restarted', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up' && d.id !== web?.id));

    const seen = await waitFor('the metrics to show the requests, H80, the crash, the restart and web.1 memory', async () => {
      const res = await api(first, `/apps/${app}/metrics`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const s = res.body as MetricsSeries;
      const t = totals(s);
      const rss = s.dynos['web.1']?.memory_rss_mb.filter((x) => x !== null) ?? [];
      return t['2xx'] >= 22 && t.H80 >= 1 && t.crashes >= 1 && t.restarts >= 1 && rss.length > 0 && s;
    }, 60_000, 250);
    assert.equal(seen.timestamps.length, 60);
    assert.ok(seen.router.response_time_ms.p50.some((x) => x !== null), 'a minute has a median response time');
    assert.ok(seen.router.requests['5xx'].some((n) => n >= 1), 'the H80 answer counts as a 5xx');
    assert.ok(Object.values(seen.dynos['web.1']!.load_avg_1m).some((x) => x !== null), 'web.1 has a load sample');
    assert.equal(seen.dynos['web.1']!.type, 'web');
    assert.ok(seen.dynos['web.1']!.memory_quota_mb > 0);
    const before = totals(seen);

    // A clean stop flushes what the agent holds; the next Berth's agent starts empty.
    assert.equal(await first.stop(), 0);
    second = await startBerth({ dataDir: first.dataDir, args: ARGS });
    const res = await api(second, `/apps/${app}/metrics?range=24h`);
    assert.equal(res.status, 200);
    const kept = res.body as MetricsSeries;
    assert.equal(kept.timestamps.length, 1440);
    assert.deepEqual(totals(kept), before, 'the persisted minutes are served after the restart');
    assert.ok(kept.dynos['web.1']!.memory_rss_mb.some((x) => x !== null));
  });
});
