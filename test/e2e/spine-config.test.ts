import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { startRequestLoop } from '../support/request-loop.js';
import { dynos, routerGet, waitForDynos } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

describe('config vars roll the dynos without dropping a request, and rollback restores them', () => {
  const berth = useBerth();
  let app: string;

  const setConfig = async (vars: Record<string, string | null>) => {
    const reply = await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify(vars) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body as Record<string, string>;
  };
  const currentRelease = async () => {
    const releases = await api(berth, `/apps/${app}/releases`);
    return (releases.body as Array<{ version: number; current: boolean; description: string }>).find((r) => r.current);
  };
  /** Waits until every web dyno runs `version` and the router serves `body`. */
  const waitServing = async (version: number, body: string) => {
    await waitForDynos(berth, app, `only web dynos of v${version}, up`, (l) => {
      const web = l.filter((d) => d.type === 'web');
      return web.length === 1 && web.every((d) => d.release.version === version && d.state === 'up');
    });
    await waitFor(`${app} to serve ${JSON.stringify(body)}`, async () => (await routerGet(berth, app)).body === body);
  };

  before(async () => {
    ({ app } = await berth.deploy('config', 'greeting'));
    await setConfig({ GREETING: 'hello' });
    await waitServing(3, 'GREETING=hello\n');
  });

  it('makes a release for a config change and serves the new value after the rolling restart, with no failed request', async () => {
    const loop = startRequestLoop(berth, app, { clients: 4, maxMs: 45_000 });
    await waitFor('requests through the router before the change', async () => loop.count() >= 20);
    const vars = await setConfig({ GREETING: 'hi' });
    assert.equal(vars.GREETING, 'hi');
    const sawNew = await loop.seen(/GREETING=hi/, 30_000);
    // Keep the load on until the old dyno is gone, then a little longer.
    await waitForDynos(berth, app, 'the old web dyno stopped', (l) => l.filter((d) => d.type === 'web').every((d) => d.release.version === 4));
    const after = loop.count();
    await waitFor('requests after the old dyno stopped', async () => loop.count() >= after + 20, 10_000);
    const result = await loop.stop();
    assert.ok(sawNew, `the router never served GREETING=hi; bodies: ${JSON.stringify([...result.bodies])}`);
    assert.deepEqual(result.failures.slice(0, 10), [], `${result.failures.length} of ${result.requests} requests failed during the rolling restart`);
    assert.deepEqual([...result.bodies.keys()].sort(), ['GREETING=hello\n', 'GREETING=hi\n']);
    const release = await currentRelease();
    assert.equal(release?.version, 4);
    assert.equal(release?.description, 'Set GREETING config vars');
    assert.equal((await routerGet(berth, app)).body, 'GREETING=hi\n');
  });

  it('rolls back to the earlier release and serves its config value again', async () => {
    const rolled = await api(berth, `/apps/${app}/releases`, { method: 'POST', body: JSON.stringify({ release: 3 }) });
    assert.equal(rolled.status, 201, JSON.stringify(rolled.body));
    assert.equal(rolled.body.version, 5);
    assert.equal(rolled.body.description, 'Rollback to v3');
    const config = await api(berth, `/apps/${app}/config-vars`);
    assert.equal(config.body.GREETING, 'hello');
    await waitServing(5, 'GREETING=hello\n');
    assert.equal((await dynos(berth, app)).filter((d) => d.type === 'web').length, 1);
  });
});
