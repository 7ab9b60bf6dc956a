import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { routerGet, waitForDynos, waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/** Lines of `logs` after the first line matching `marker`. */
const linesAfter = (logs: string, marker: RegExp) => {
  const lines = logs.split('\n');
  const at = lines.findIndex((l) => marker.test(l));
  return at < 0 ? '' : lines.slice(at + 1).join('\n');
};

describe('faults show up in ps and the logs, and the platform recovers', () => {
  // A short boot timeout, so R10 comes in seconds rather than the default minute, and a 4 s
  // crash cool-off instead of Heroku's 10 s (hidden flags of `berth up`).
  const berth = useBerth({ args: ['--boot-timeout-ms', '2000', '--crash-cool-off-ms', '4000'] });
  let app: string;

  const patchApp = (body: Record<string, unknown>) => api(berth, `/apps/${app}`, { method: 'PATCH', body: JSON.stringify(body) });
  const setConfig = (vars: Record<string, string | null>) => api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify(vars) });
  const scaleWeb = (quantity: string) => api(berth, `/apps/${app}/formation`, { method: 'PATCH', body: JSON.stringify({ updates: [{ type: 'web', quantity }] }) });
  const webUp = () => waitForDynos(berth, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));

  before(async () => {
    ({ app } = await berth.deploy('faults', 'greeting'));
  });

  it('restarts a web dyno that crashed, and logs the crash and the restart', async () => {
    const [before] = await webUp();
    const crash = await routerGet(berth, app, '/crash');
    assert.equal(crash.status, 200);
    const logs = await waitForLogs(berth, app, [/heroku\[web\.1\]: Process exited with status 3/, /heroku\[web\.1\]: State changed from up to crashed/]);
    const since = linesAfter(logs, /State changed from up to crashed/);
    const restarted = since.includes('heroku[web.1]: State changed from starting to up')
      ? since
      : linesAfter(await waitForLogs(berth, app, [/State changed from up to crashed[\s\S]*heroku\[web\.1\]: State changed from starting to up/]), /State changed from up to crashed/);
    assert.match(restarted, /heroku\[web\.1\]: Starting process with command `node server\.js`/);
    const [now] = await webUp();
    assert.notEqual(now?.id, before?.id, 'the crashed dyno was replaced by a new one');
    assert.equal((await routerGet(berth, app)).status, 200);
  });

  it('shows a dyno that crashed again soon as crashed, answers H10 meanwhile, and restarts it after the cool-off', async () => {
    await webUp();
    assert.equal((await routerGet(berth, app, '/crash')).status, 200);
    // The second crash in a row waits out a cool-off (4 s here) before the restart: ps shows it.
    const crashed = await waitForDynos(berth, app, 'web.1 crashed', (l) => l.some((d) => d.name === 'web.1' && d.state === 'crashed'));
    assert.equal(crashed.filter((d) => d.type === 'web').length, 1);
    const reply = await routerGet(berth, app, '/while-crashed');
    assert.equal(reply.status, 503);
    await waitForLogs(berth, app, [/heroku\[router\]: at=error code=H10 desc="App crashed" method=GET path="\/while-crashed"/]);
    await waitForDynos(berth, app, 'web.1 up after the cool-off', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'), 30_000);
    await waitFor('the app to serve again', async () => (await routerGet(berth, app)).status === 200);
  });

  it('reports R10 for a web process that never binds $PORT while the running release keeps serving', async () => {
    const set = await setConfig({ NO_BIND: '1' });
    assert.equal(set.status, 200);
    await waitForLogs(berth, app, [
      /heroku\[web\.1\]: Error R10 \(Boot timeout\) -> Web process failed to bind to \$PORT within 2 seconds of launch/,
      /heroku\[web\.1\]: Stopping process with SIGKILL/,
    ]);
    // A restart of the crashed v3 takes its place in ps at once (never a crashed and a starting
    // web.1 of v3 side by side), so whenever a crashed v3 shows, it is the only other web dyno.
    const list = await waitForDynos(berth, app, 'a crashed web.1 of v3 beside web.1 of v2 up', (l) =>
      l.some((d) => d.name === 'web.1' && d.release.version === 3 && d.state === 'crashed') && l.some((d) => d.name === 'web.1' && d.release.version === 2 && d.state === 'up'),
    );
    assert.deepEqual(list.filter((d) => d.type === 'web').map((d) => `${d.name} v${d.release.version} ${d.state}`).sort(), ['web.1 v2 up', 'web.1 v3 crashed']);
    const served = await routerGet(berth, app);
    assert.equal(served.status, 200, 'the previous release keeps serving while the new one fails to boot');
    const unset = await setConfig({ NO_BIND: null });
    assert.equal(unset.status, 200);
    await waitForDynos(berth, app, 'web.1 of the newest release up', (l) => {
      const web = l.filter((d) => d.type === 'web');
      return web.length === 1 && web[0]?.state === 'up' && web[0].release.version === 4;
    });
    assert.equal((await routerGet(berth, app)).status, 200);
  });

  it('answers H14 for an app scaled to no web dynos, in the router log', async () => {
    assert.equal((await scaleWeb('0')).status, 200);
    await waitForDynos(berth, app, 'no web dynos', (l) => l.every((d) => d.type !== 'web'));
    const reply = await waitFor('the router to answer H14', async () => {
      const r = await routerGet(berth, app, '/h14');
      if (r.status === 503 && r.body.includes('H14:')) return r;
      throw new Error(`GET /h14 answered ${r.status}: ${r.body.slice(0, 300)}`);
    });
    assert.equal(reply.status, 503);
    await waitForLogs(berth, app, [/heroku\[router\]: at=error code=H14 desc="No web processes running" method=GET path="\/h14"/]);
    assert.equal((await scaleWeb('1')).status, 200);
    await webUp();
    await waitFor('the app to serve again', async () => (await routerGet(berth, app)).status === 200);
  });

  it('answers H80 in maintenance mode, in the router log, and serves again when it ends', async () => {
    const on = await patchApp({ maintenance: true });
    assert.equal(on.status, 200);
    assert.equal(on.body.maintenance, true);
    const reply = await waitFor('the router to answer H80', async () => {
      const r = await routerGet(berth, app, '/h80');
      if (r.status === 503 && r.body.includes('H80:')) return r;
      throw new Error(`GET /h80 answered ${r.status}: ${r.body.slice(0, 300)}`);
    });
    assert.equal(reply.status, 503);
    await waitForLogs(berth, app, [/heroku\[router\]: at=error code=H80 desc="Maintenance mode" method=GET path="\/h80"/]);
    assert.equal((await patchApp({ maintenance: false })).status, 200);
    await waitFor('the app to serve again', async () => (await routerGet(berth, app)).status === 200);
  });
});
