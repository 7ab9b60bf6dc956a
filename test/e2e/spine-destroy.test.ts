import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api } from '../support/berth-process.js';
import { processesOf, useBerth } from '../support/e2e-harness.js';
import { startGitDaemon, type GitDaemon } from '../support/git-daemon.js';
import type { AppRepo } from '../support/git-push.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/** Every path under `dir` whose name contains one of `needles`. */
async function pathsNaming(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    for (const name of await readdir(current).catch(() => [] as string[])) {
      const path = join(current, name);
      if (needles.some((n) => name.includes(n))) found.push(path);
      const info = await lstat(path).catch(() => undefined);
      if (info?.isDirectory()) stack.push(path);
    }
  }
  return found;
}

describe('destroying an app mid-build', () => {
  const berth = useBerth({ args: ['--disk-budget', '10G', '--stop-grace-ms', '2000', '--allow-private-urls', '127.0.0.0/8'] });
  let daemon: GitDaemon;
  let repo: AppRepo;
  let app: string;

  before(async () => {
    daemon = await startGitDaemon({ 'slow-buildpack': join(repoRoot(), 'test', 'fixtures', 'apps', 'slow-build', 'buildpack') });
    berth.onShutDown(() => daemon.stop());
    app = await berth.createApp('doomed');
    repo = await berth.repo(app, 'procfile-web');
  });

  it('cancels the build and leaves nothing of the app under the data dir', async () => {
    const first = await repo.push();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal((await routerGet(berth, app, '/')).status, 200);
    const set = await api(berth, `/apps/${app}/buildpack-installations`, { method: 'PUT', body: JSON.stringify({ updates: [{ buildpack: daemon.url('slow-buildpack') }] }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));

    const pushing = repo.push();
    const appId = (await api(berth, `/apps/${app}`)).body.id as string;
    const building = await waitFor('the slow build to sleep in bin/compile', async () => {
      const builds = (await api(berth, `/apps/${app}/builds`)).body as Array<{ id: string; status: string; error?: string }>;
      const failed = builds.length > 1 ? builds.find((b) => b.status === 'failed') : undefined;
      if (failed) throw new Error(`the slow build failed instead: ${JSON.stringify(failed)}`);
      const pending = builds.find((b) => b.status === 'pending');
      const output = pending && (await readFile(join(berth.dataDir, 'outputs', `build-${pending.id}.log`), 'utf8').catch(() => ''));
      return pending && output?.includes('Compiling slowly') ? pending : undefined;
    }, 120_000);
    // bin/compile prints its line and only then forks `sleep`: wait for the process itself.
    await waitFor('the build dyno to sleep in bin/compile', async () => (await processesOf(berth.dataDir)).some((p) => p.includes('sleep 600')), 30_000);

    const releases = (await api(berth, `/apps/${app}/releases`)).body as Array<{ id: string; slug: { id: string } | null }>;
    const builds = (await api(berth, `/apps/${app}/builds`)).body as Array<{ id: string }>;
    const ids = [appId, app, ...releases.map((r) => r.id), ...releases.flatMap((r) => (r.slug ? [r.slug.id] : [])), ...builds.map((b) => b.id)];
    assert.ok(releases.some((r) => r.slug), 'the first push made a slug');
    const owned = await pathsNaming(berth.dataDir, ids);
    for (const kind of ['slugs', 'cache', 'repos', 'logs', 'outputs']) {
      assert.ok(owned.some((p) => p.startsWith(join(berth.dataDir, kind, ''))), `before: the app has files under ${kind}/ (${owned.join(', ')})`);
    }
    const slugBlobs = await readdir(join(berth.dataDir, 'blobs', 'slugs'));
    assert.equal(slugBlobs.length, 1, `before: one slug blob (${slugBlobs.join(', ')})`);

    const deleted = await api(berth, `/apps/${app}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    const push = await pushing;
    const output = push.stdout + push.stderr;
    assert.notEqual(push.code, 0, output);
    assert.match(output, /cancelled|canceled/i);
    assert.match(output, /Push rejected/);
    assert.ok(!(await processesOf(berth.dataDir)).some((p) => p.includes('sleep 600')), 'the build dyno was stopped');
    assert.equal((await api(berth, `/apps/${appId}/builds/${building.id}`)).status, 404);

    const left = await waitFor('nothing of the app under the data dir', async () => {
      const paths = await pathsNaming(berth.dataDir, ids);
      const blobs = await readdir(join(berth.dataDir, 'blobs', 'slugs')).catch(() => [] as string[]);
      return paths.length === 0 && blobs.length === 0 ? true : undefined;
    }, 60_000).catch(async (err: Error) => {
      const paths = await pathsNaming(berth.dataDir, ids);
      const blobs = await readdir(join(berth.dataDir, 'blobs', 'slugs')).catch(() => [] as string[]);
      throw new Error(`${err.message}\nleft: ${[...paths, ...blobs.map((b) => `blobs/slugs/${b}`)].join('\n')}\n${berth.output().split('\n').slice(-30).join('\n')}`);
    });
    assert.equal(left, true);
    assert.match(berth.output(), /msg="destroyed app files" app_id=\S+ app=doomed-/);
    assert.match(berth.output(), /at=info msg="disk gc" .* budget_bytes=10737418240/, 'garbage collection ran, within the --disk-budget');

    // The name is free again, and a new app of that name starts with nothing of the old one.
    const recreated = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) });
    assert.equal(recreated.status, 201, JSON.stringify(recreated.body));
    const again = (await api(berth, `/apps/${app}/releases`)).body as Array<{ version: number }>;
    assert.deepEqual(again.map((r) => r.version), [1]);
    await api(berth, `/apps/${app}`, { method: 'DELETE' });
  });
});
