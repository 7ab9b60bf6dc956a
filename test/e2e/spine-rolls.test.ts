import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { startRequestLoop, type LoopResult } from '../support/request-loop.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { createApp, waitForDynos, type DynoJson } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/**
 * Every way a web dyno is stopped (a push, a config change, ps:restart, ps:stop, a scale-down,
 * ps:stop of the only web dyno) drops no request, whatever the app does on SIGTERM: the router stops sending the dyno requests,
 * each of its two workers confirms, and the requests in flight finish before SIGTERM. The app
 * answers GETs after 10 ms and the POSTs after 200 ms, so some are always in flight when a dyno is
 * stopped; a POST the dyno lost is never replayed, so it shows up as a failure.
 */
describe('rolling and stopping web dynos under load answers every request', () => {
  let berth: BerthProcess;
  const repos: AppRepo[] = [];

  before(async () => {
    berth = await startBerth({ args: ['--workers', '2', '--stop-grace-ms', '2000'] });
  });
  after(async () => {
    const left = await shutDown(berth);
    for (const repo of repos) await repo.remove();
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });

  const webDynos = (list: DynoJson[]) => list.filter((d) => d.type === 'web');
  /** Waits until the app runs exactly `names` as web dynos, all up, none of them in `gone`. */
  const settled = (app: string, what: string, names: string[], gone: Set<string> = new Set()) =>
    waitForDynos(berth, app, what, (list) => {
      const web = webDynos(list);
      return web.length === names.length && web.every((d) => d.state === 'up' && !gone.has(d.id)) && names.every((n) => web.some((d) => d.name === n));
    }, 60_000);
  /** Ids of the app's web dynos, those named in `names` only when given. */
  const idsOf = async (app: string, names?: string[]) =>
    new Set(webDynos((await api(berth, `/apps/${app}/dynos`)).body as DynoJson[]).filter((d) => !names || names.includes(d.name)).map((d) => d.id));
  const ok = (reply: { status: number; body: unknown }, status: number, what: string) => assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.body)}`);

  for (const onSigterm of ['exit', 'ignore'] as const) {
    it(`gives no failed request while an app that ${onSigterm === 'exit' ? 'exits at once on' : 'ignores'} SIGTERM is pushed, reconfigured, restarted, stopped and scaled down`, async () => {
      const app = await createApp(berth, `roll-${onSigterm}-${suffix()}`);
      const repo = await appRepo(berth, app, 'roll-web');
      repos.push(repo);
      if (onSigterm === 'ignore') ok(await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ ON_SIGTERM: 'ignore' }) }), 200, 'config before the first push');
      const first = await repo.push();
      assert.equal(first.code, 0, first.stdout + first.stderr);
      ok(await api(berth, `/apps/${app}/formation/web`, { method: 'PATCH', body: JSON.stringify({ quantity: 2 }) }), 200, 'scale to 2');
      await settled(app, 'web.1 and web.2 up', ['web.1', 'web.2']);

      // GETs (the router may replay one whose pooled connection died) and POSTs (never replayed).
      const gets = startRequestLoop(berth, app, { clients: 2, maxMs: 120_000 });
      const posts = startRequestLoop(berth, app, { clients: 2, maxMs: 120_000, method: 'POST', path: '/delay/200' });
      const loop = { count: () => gets.count() + posts.count(), seen: gets.seen };
      const steps: string[] = [];
      const results: LoopResult[] = [];
      /** Runs one roll and waits until `names` are up and the dynos it stopped (`stops`, default all) are gone. */
      const roll = async (what: string, names: string[], act: () => Promise<void>, stops?: string[]) => {
        const before = await idsOf(app, stops);
        const count = loop.count();
        await waitFor(`requests before ${what}`, async () => loop.count() >= count + 20, 20_000);
        await act();
        await settled(app, `${what}: ${names.join(' and ')} up, the old dynos gone`, names, before);
        steps.push(what);
      };
      try {
        await roll('a push', ['web.1', 'web.2'], async () => {
          const pushed = await repo.push();
          assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
        });
        await roll('a config change', ['web.1', 'web.2'], async () => {
          ok(await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ ROLL: '1' }) }), 200, 'config change');
        });
        assert.ok(await loop.seen(/roll=1/, 10_000), 'the new config answered');
        await roll('ps:restart', ['web.1', 'web.2'], async () => {
          ok(await api(berth, `/apps/${app}/dynos`, { method: 'DELETE' }), 202, 'ps:restart');
        });
        const web2 = await idsOf(app, ['web.2']);
        await roll('ps:stop web.1', ['web.1', 'web.2'], async () => {
          ok(await api(berth, `/apps/${app}/dynos/web.1/actions/stop`, { method: 'POST' }), 202, 'ps:stop web.1');
        }, ['web.1']);
        assert.deepEqual(await idsOf(app, ['web.2']), web2, 'web.2 kept running through ps:stop web.1');
        await roll('a scale-down to 1', ['web.1'], async () => {
          ok(await api(berth, `/apps/${app}/formation/web`, { method: 'PATCH', body: JSON.stringify({ quantity: 1 }) }), 200, 'scale to 1');
        }, ['web.2']);
        await roll('ps:stop of the only web dyno', ['web.1'], async () => {
          ok(await api(berth, `/apps/${app}/dynos/web.1/actions/stop`, { method: 'POST' }), 202, 'ps:stop web.1 (the only one)');
        });
        const count = loop.count();
        await waitFor('requests after the last roll', async () => loop.count() >= count + 20, 20_000);
      } finally {
        results.push(await gets.stop(), await posts.stop());
        const [g, p] = results as [LoopResult, LoopResult];
        process.stderr.write(`# ${app}: ${g.requests} GETs and ${p.requests} POSTs, ${g.failures.length} and ${p.failures.length} failed; rolls: ${steps.join(', ')}\n`);
      }
      const failures = results.flatMap((r) => r.failures);
      const requests = results.reduce((n, r) => n + r.requests, 0);
      assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${requests} requests failed (rolls: ${steps.join(', ')})`);
    });
  }
});
