import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { processesOf, shutDown, suffix } from '../support/e2e-harness.js';
import { appRepo, replaceWithFixture, writeAppFile, type AppRepo } from '../support/git-push.js';
import { startRequestLoop } from '../support/request-loop.js';
import { createApp, dynos, routerGet, waitForDynos } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

describe('apps keep serving while the control plane is killed and restarted', () => {
  let first: BerthProcess;
  let second: BerthProcess | undefined;
  let third: BerthProcess | undefined;
  let repo: AppRepo;
  const app = `survive-${suffix()}`;
  let dynoId: string;

  before(async () => {
    first = await startBerth();
    await createApp(first, app);
    repo = await appRepo(first, app, 'procfile-web');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    const [web] = await waitForDynos(first, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    dynoId = web?.id as string;
  });
  after(async () => {
    // The second control plane (if it started) stops the agent it adopted, and with it the dyno.
    // Control planes of this data dir were killed on purpose: their empty bridges are expected.
    const left = await shutDown(third ?? second ?? first, { killedEarlier: true });
    await second?.stop();
    await first?.stop();
    await repo?.remove();
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });

  it('keeps answering through the router after the control plane is killed with SIGKILL', async () => {
    const loop = startRequestLoop(first, app, { clients: 2, maxMs: 20_000 });
    await waitFor('requests before the kill', async () => loop.count() >= 10);
    assert.equal(await first.stop('SIGKILL'), null);
    const atKill = loop.count();
    await waitFor('requests after the kill', async () => loop.count() >= atKill + 50, 10_000);
    const result = await loop.stop();
    assert.deepEqual(result.failures.slice(0, 10), [], `${result.failures.length} of ${result.requests} requests failed`);
    const reply = await routerGet(first, app, '/alone');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /alone\n');
  });

  it('adopts the running agent and its dynos when started again on the same data dir', async () => {
    second = await startBerth({ dataDir: first.dataDir });
    const runtime = JSON.parse(await readFile(join(first.dataDir, 'berth.json'), 'utf8')) as { agent_adopted: boolean; router_port: number };
    assert.equal(runtime.agent_adopted, true);
    assert.equal(runtime.router_port, first.runtime.router_port);
    assert.match(second.output(), /adopted the running host agent/);
    const list = await dynos(second, app);
    assert.deepEqual(list.map((d) => [d.id, d.name, d.state]), [[dynoId, 'web.1', 'up']], 'the same dyno, not restarted');
    assert.equal((await routerGet(second, app)).status, 200);
  });

  it('deploys again through the new control plane', async () => {
    const target = second as BerthProcess;
    const pushed = await repo.push((dir) => writeAppFile(dir, 'VERSION', 'two\n'), target);
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    assert.match(pushed.stderr, /Released v3/);
    assert.match(pushed.stderr, /Verifying deploy\.\.\. done\./);
    const list = await waitForDynos(target, app, 'only web.1 of v3', (l) => l.length === 1 && l[0]?.release.version === 3 && l[0].state === 'up');
    assert.notEqual(list[0]?.id, dynoId);
    assert.equal((await routerGet(target, app)).status, 200);
  });

  it('reaps the build dyno of a control plane killed mid-build, fails that build and keeps the release serving', async () => {
    const killed = second as BerthProcess;
    // A build that runs until it is stopped: node-web's build script, made to wait a minute.
    const pushing = repo.push(async (dir) => {
      await replaceWithFixture(dir, 'node-web');
      await writeAppFile(dir, 'build.js', 'console.log("building slowly");\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);\n');
    }, killed);
    await waitFor('the build script to run in a build dyno', async () => (await processesOf(killed.dataDir)).some((line) => /\bnode build\.js$/.test(line)), 60_000);
    assert.equal(await killed.stop('SIGKILL'), null);
    const pushed = await pushing;
    assert.notEqual(pushed.code, 0, 'the push of a build cut short is not accepted');
    third = await startBerth({ dataDir: first.dataDir });
    assert.deepEqual((await processesOf(first.dataDir)).filter((line) => /\bnode build\.js$/.test(line)), [], 'the orphaned build dyno was stopped');
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((line) => line.includes(join(first.dataDir, 'build-dynos')));
    // What may remain is the new control plane's own tmpfs of generated files, once, not stacked.
    const shared = `berth-shared ${join(first.dataDir, 'build-dynos', '.shared')} `;
    assert.deepEqual(mounts.filter((line) => !line.startsWith(shared)), [], 'its scratch filesystem was unmounted');
    assert.ok(mounts.length <= 1, `the old tmpfs of generated files was unmounted, not stacked: ${mounts.join('; ')}`);
    const builds = await api(third, `/apps/${app}/builds`);
    assert.equal((builds.body as Array<{ status: string }>).at(-1)?.status, 'failed');
    const releases = await api(third, `/apps/${app}/releases`);
    assert.deepEqual((releases.body as Array<{ version: number; current: boolean }>).filter((r) => r.current).map((r) => r.version), [3]);
    assert.equal((await routerGet(third, app)).status, 200);
  });
});

describe('bin/berth up whose output pipe is gone', () => {
  it('still stops the agent and everything it runs on SIGTERM', async () => {
    const berth = await startBerth();
    // The terminal went away (an ssh session, a closed pipe): output now fails with EPIPE.
    berth.child.stdout?.destroy();
    berth.child.stderr?.destroy();
    // SIGTERM right after the banner: the handler is in place before the banner is printed.
    const code = await berth.stop();
    const signal = berth.child.signalCode;
    const left = await shutDown(berth);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'berth handled SIGTERM itself');
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });
});
