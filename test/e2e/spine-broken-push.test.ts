import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { startGitDaemon, type GitDaemon } from '../support/git-daemon.js';
import { replaceWithFixture, type AppRepo } from '../support/git-push.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';

describe('a broken push is rejected and the running release keeps serving', () => {
  // The buildpack comes from a git daemon on 127.0.0.1: an address Berth refuses for tenant URLs unless allowed.
  // The app disk cap is small enough for a 600 KB incompressible file in the slug to exceed it.
  const berth = useBerth({ args: ['--allow-private-urls', '127.0.0.0/8', '--app-disk-cap', '512K'] });
  let app: string;
  let repo: AppRepo;
  let daemon: GitDaemon;
  let servedBefore: { status: number; body: string };

  before(async () => {
    daemon = await startGitDaemon({ 'fails-buildpack': join(repoRoot(), 'test', 'fixtures', 'apps', 'compile-fails', 'buildpack') });
    berth.onShutDown(() => daemon.stop());
    ({ app, repo } = await berth.deploy('broken', 'procfile-web'));
    servedBefore = await routerGet(berth, app, '/still');
    assert.equal(servedBefore.status, 200);
  });

  async function assertStillServing(): Promise<void> {
    const reply = await routerGet(berth, app, '/still');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, servedBefore.body);
    const releases = await api(berth, `/apps/${app}/releases`);
    const current = (releases.body as Array<{ version: number; current: boolean }>).filter((r) => r.current);
    assert.deepEqual(current.map((r) => r.version), [2]);
  }

  const cases: Array<{ fixture: string; message: RegExp; setup?: () => Promise<void>; cleanup?: () => Promise<void> }> = [
    { fixture: 'bad-procfile', message: /Procfile.*line 3/i },
    { fixture: 'no-language', message: /No default language could be detected/i },
    {
      fixture: 'compile-fails',
      message: /error: this buildpack always fails/,
      setup: async () => {
        const set = await api(berth, `/apps/${app}/buildpack-installations`, { method: 'PUT', body: JSON.stringify({ updates: [{ buildpack: daemon.url('fails-buildpack') }] }) });
        assert.equal(set.status, 200, JSON.stringify(set.body));
      },
      cleanup: async () => {
        await api(berth, `/apps/${app}/buildpack-installations`, { method: 'PUT', body: JSON.stringify({ updates: [] }) });
      },
    },
  ];

  for (const { fixture, message, setup, cleanup } of cases) {
    it(`rejects a push of the ${fixture} fixture with a clear message and keeps v2 serving`, async () => {
      await setup?.();
      try {
        const result = await repo.push((dir) => replaceWithFixture(dir, fixture));
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, output);
        assert.match(output, /pre-receive hook declined/);
        assert.match(output, message);
        assert.match(output, /Push rejected/);
        await assertStillServing();
      } finally {
        await cleanup?.();
      }
    });
  }

  it('rejects a push whose slug is over the app disk cap (app_disk_full) and keeps v2 serving', async () => {
    const result = await repo.push((dir) => writeFile(join(dir, 'noise.bin'), randomBytes(600 * 1024)));
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0, output);
    assert.match(output, /App disk cap exceeded \(app_disk_full\): the slug \(\d+ KiB\) and the logs \([^)]*\) of \S+ are over its cap of 512 KiB/);
    assert.match(output, /Push rejected/);
    await assertStillServing();
    const builds = (await api(berth, `/apps/${app}/builds`)).body as Array<{ status: string }>;
    assert.equal(builds.at(-1)?.status, 'failed');
  });
});
