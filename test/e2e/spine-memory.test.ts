import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { startRequestLoop } from '../support/request-loop.js';
import { appLogs, routerGet, waitForDynos, waitForLogs, type DynoJson } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/** Lines of `logs` after the last line matching `marker`. */
const linesAfter = (logs: string, marker: RegExp) => {
  const lines = logs.split('\n');
  const at = lines.findLastIndex((l) => marker.test(l));
  return at < 0 ? '' : lines.slice(at + 1).join('\n');
};

describe('memory quotas (R14, R15), stop timeouts (R12) and runtime metrics show up in the logs', () => {
  // Samples (R14, runtime metrics) every second instead of every 20 s, and a 1 s stop grace
  // instead of 30 s, so each fault shows within seconds (hidden flags of `berth up`).
  const berth = useBerth({ args: ['--metrics-interval-ms', '1000', '--stop-grace-ms', '1000'] });
  let hog: string;
  let calm: string;
  let calmDyno: DynoJson | undefined;

  /** Waits until the app runs only web.1, up (no dyno of a roll left), and `check` holds for it. */
  const webUp = (app: string, what = 'only web.1 up', check: (d: DynoJson) => boolean = () => true) =>
    waitForDynos(berth, app, what, (l) => l.length === 1 && l[0]?.name === 'web.1' && l[0].state === 'up' && check(l[0]));
  const formation = (app: string, update: Record<string, unknown>) =>
    api(berth, `/apps/${app}/formation`, { method: 'PATCH', body: JSON.stringify({ updates: [{ type: 'web', ...update }] }) });

  before(async () => {
    ({ app: hog } = await berth.deploy('hog', 'memory-hog'));
    ({ app: calm } = await berth.deploy('calm', 'greeting'));
    // Eco dynos: 512 MB quota, 1 GB ceiling, like every small size.
    assert.equal((await formation(hog, { size: 'eco' })).status, 200);
    await webUp(hog, 'only an eco web.1 up', (d) => (d as DynoJson & { size: string }).size === 'Eco');
    [calmDyno] = await webUp(calm);
  });

  it('emits runtime metrics per dyno once log-runtime-metrics is enabled, restarting the dynos to pick it up', async () => {
    const [before] = await webUp(hog);
    const enabled = await api(berth, `/apps/${hog}/features/log-runtime-metrics`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    assert.equal(enabled.body.enabled, true);
    const [after] = await webUp(hog, 'only a new web.1 up', (d) => d.id !== before?.id);
    const id = after?.id as string;
    const appId = (await api(berth, `/apps/${hog}`)).body.id as string;
    const logs = await waitForLogs(berth, hog, [
      new RegExp(`heroku\\[web\\.1\\]: source=web\\.1 dyno=heroku\\.${appId}\\.${id} sample#memory_total=\\d+\\.\\d\\dMB sample#memory_rss=\\d+\\.\\d\\dMB .* sample#memory_quota=512\\.00MB`),
      new RegExp(`heroku\\[web\\.1\\]: source=web\\.1 dyno=heroku\\.${appId}\\.${id} sample#load_avg_1m=\\d+\\.\\d\\d sample#load_avg_5m=\\d+\\.\\d\\d sample#load_avg_15m=\\d+\\.\\d\\d`),
    ]);
    assert.doesNotMatch(logs.split(`dyno=heroku.${appId}.${id}`)[0] ?? '', /sample#memory_total/, 'no samples before the feature was on');
    assert.doesNotMatch(await appLogs(berth, calm), /sample#/, 'an app without the feature gets none');
  });

  it('logs R14 above the quota and R15 at the ceiling, restarts the dyno, and other apps keep serving', async () => {
    const loop = startRequestLoop(berth, calm, { clients: 2, maxMs: 90_000 });
    try {
      const [hogDyno] = await webUp(hog);
      const held = await routerGet(berth, hog, '/hog?mb=600', 30_000);
      assert.equal(held.status, 200);
      assert.equal(held.body, 'holding 608 MB\n');
      await waitForLogs(berth, hog, [/heroku\[web\.1\]: Process running mem=\d+M\(1\d\d\.\d%\)\n.*heroku\[web\.1\]: Error R14 \(Memory quota exceeded\)/]);
      assert.equal((await routerGet(berth, hog)).status, 200, 'over its quota the dyno still serves');

      // Past the 1 GB ceiling the kernel kills it: the request dies with it. (Other lines may
      // come between R15 and SIGKILL when memory sampling logged R15 before the exit was seen.)
      await routerGet(berth, hog, '/hog?mb=1100', 30_000).catch(() => undefined);
      const logs = await waitForLogs(berth, hog, [
        /heroku\[web\.1\]: Error R15 \(Memory quota vastly exceeded\)\n(?:.*\n)*?.*heroku\[web\.1\]: Stopping process with SIGKILL\n.*heroku\[web\.1\]: Process exited with status 137\n.*heroku\[web\.1\]: State changed from up to crashed/,
      ]);
      assert.match(logs, /Error R15/);
      // The restart, in order after the crash (waited for as one pattern: under load more lines,
      // even a second crash, may come between them).
      await waitForLogs(berth, hog, [
        /heroku\[web\.1\]: State changed from up to crashed\n(?:.*\n)*?.*heroku\[web\.1\]: Starting process with command `node server\.js`\n(?:.*\n)*?.*heroku\[web\.1\]: State changed from starting to up/,
      ]);
      const [now] = await webUp(hog, 'web.1 restarted', (d) => d.id !== hogDyno?.id);
      assert.notEqual(now?.id, hogDyno?.id);
      const fresh = await routerGet(berth, hog);
      assert.equal(fresh.body, 'holding 0 MB\n', 'the restarted dyno starts empty');
    } finally {
      const result = await loop.stop();
      assert.ok(result.requests > 0);
      assert.deepEqual(result.failures, [], 'the other app answered 200 throughout');
    }
    const [calmNow] = await webUp(calm);
    assert.equal(calmNow?.id, calmDyno?.id, 'the other app’s dyno was never restarted');
  });

  it('logs R12 and SIGKILLs a dyno that ignores SIGTERM when it is scaled down', async () => {
    const set = await api(berth, `/apps/${hog}/config-vars`, { method: 'PATCH', body: JSON.stringify({ IGNORE_TERM: '1' }) });
    assert.equal(set.status, 200);
    const release = (await api(berth, `/apps/${hog}/releases`)).body as Array<{ version: number }>;
    const version = Math.max(...release.map((r) => r.version));
    await webUp(hog, `only web.1 of v${version} up`, (d) => d.release.version === version);

    assert.equal((await formation(hog, { quantity: 0 })).status, 200);
    const logs = await waitForLogs(berth, hog, [
      /heroku\[web\.1\]: Stopping all processes with SIGTERM[\s\S]*app\[web\.1\]: SIGTERM: ignoring it \(IGNORE_TERM=1\)[\s\S]*heroku\[web\.1\]: Error R12 \(Exit timeout\) -> At least one process failed to exit within 1 second of SIGTERM\n.*heroku\[web\.1\]: Stopping remaining processes with SIGKILL[\s\S]*heroku\[web\.1\]: Process exited with status 137/,
    ]);
    assert.match(linesAfter(logs, /Process exited with status 137/), /heroku\[web\.1\]: State changed from up to down/);
    await waitForDynos(berth, hog, 'no dynos', (l) => l.length === 0);
    await waitFor('the R12 dyno to be gone from the router', async () => (await routerGet(berth, hog)).status === 503);
  });
});
