// Disaster recovery end to end: a Berth with two apps is backed up while it runs, stopped and
// its data dir deleted; admin:restore lays the archive out in a new data dir and `up` on it
// brings both apps back serving through the router with the same releases, config and formation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api, startBerth, testEnv, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { repoRoot } from '../support/repo-root.js';
import { createApp, routerGet, waitForDynos } from '../support/spine.js';

const run = promisify(execFile);
const berthCli = (args: string[]) => run(process.execPath, [join(repoRoot(), 'dist', 'src', 'main', 'berth.js'), ...args], { env: testEnv(), timeout: 120_000 });
const releasesOf = async (berth: BerthProcess, app: string) =>
  ((await api(berth, `/apps/${app}/releases`)).body as Array<{ version: number; description: string; slug: { id: string } | null }>).map((r): [number, string, string | null] => [r.version, r.description, r.slug?.id ?? null]);

describe('admin:backup and admin:restore bring every app back on a new data dir', () => {
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  const repos: AppRepo[] = [];
  let work: string;
  const echo = `bk-echo-${suffix()}`;
  const pair = `bk-pair-${suffix()}`;
  let before1: { echo: Array<[number, string, string | null]>; pair: Array<[number, string, string | null]> };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-e2e-backup-'));
    first = await startBerth();
    for (const [app, fixture] of [[echo, 'env-echo'], [pair, 'procfile-web']] as const) {
      await createApp(first, app);
      const repo = await appRepo(first, app, fixture);
      repos.push(repo);
      const pushed = await repo.push();
      assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    }
    const set = await api(first, `/apps/${echo}/config-vars`, { method: 'PATCH', body: JSON.stringify({ GREETING: 'hello from before' }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const scaled = await api(first, `/apps/${pair}/formation/web`, { method: 'PATCH', body: JSON.stringify({ quantity: 2 }) });
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    await waitForDynos(first, pair, 'web.1 and web.2 up', (l) => l.filter((d) => d.state === 'up').length === 2);
    before1 = { echo: await releasesOf(first, echo), pair: await releasesOf(first, pair) };
    // The initial release, the deploy and the config change.
    assert.deepEqual(before1.echo.map((r) => r[0]), [1, 2, 3], JSON.stringify(before1.echo));
    await waitForDynos(first, echo, 'web.1 up on the config release', (l) => l.some((d) => d.state === 'up' && d.release.version === 3));
    assert.equal((await routerGet(first, echo, '/GREETING')).body, 'GREETING=hello from before\n');
  });
  after(async () => {
    const left = [...(await shutDown(second)), ...(await shutDown(first))];
    for (const repo of repos) await repo.remove();
    await rm(work, { recursive: true, force: true });
    assert.deepEqual(left, [], 'nothing of either Berth outlives the test');
  });

  it('backs up while Berth runs, restores into a new data dir and serves both apps as before', async () => {
    const running = first!;
    const file = join(work, 'berth.tar.gz');
    const backup = await berthCli(['admin:backup', file, '--data-dir', running.dataDir]);
    assert.match(backup.stdout, /Backed up .* \(sqlite state, \d+ files\)/);
    // The backup did not disturb the running Berth.
    assert.equal((await routerGet(running, pair)).status, 200);
    assert.deepEqual(await shutDown(running), [], 'the first Berth stops cleanly');
    first = undefined;
    assert.equal(await stat(running.dataDir).catch(() => undefined), undefined, 'the old data dir is gone');

    const dataDir = join(work, 'restored');
    const restored = await berthCli(['admin:restore', file, '--data-dir', dataDir]);
    assert.match(restored.stdout, /Restored \d+ files/);
    second = await startBerth({ dataDir });
    await waitForDynos(second, pair, 'web.1 and web.2 up again', (l) => l.filter((d) => d.state === 'up').length === 2, 90_000);
    await waitForDynos(second, echo, 'web.1 of v3 up again', (l) => l.some((d) => d.state === 'up' && d.release.version === 3), 90_000);
    assert.equal((await routerGet(second, echo, '/GREETING')).body, 'GREETING=hello from before\n');
    const reply = await routerGet(second, pair, '/back');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /back\n');
    assert.deepEqual(await releasesOf(second, echo), before1.echo);
    assert.deepEqual(await releasesOf(second, pair), before1.pair);
    const formation = await api(second, `/apps/${pair}/formation/web`);
    assert.equal(formation.body.quantity, 2);
  });
});
