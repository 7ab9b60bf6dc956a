import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientRepo, commit, git, mustGit, refIn, remoteLines, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

describe('the pre-receive hook', () => {
  it('is rewritten when outdated or not executable, and the push still deploys', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    const hookFile = join(h.repoPath(appId), 'hooks', 'pre-receive');
    const installed = await readFile(hookFile, 'utf8');
    assert.match(installed, /^#!\/bin\/sh\n/);
    assert.match(installed, /\nexec '[^']*node[^']*' '[^']*\/src\/git\/hook-main\.js' "\$@"\n$/);

    await writeFile(hookFile, '#!/bin/sh\nexit 0\n');
    const sha = await commit(h, dir, { 'two.txt': '2\n' }, 'second');
    const before = h.pushes.length;
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    assert.equal(h.pushes.length, before + 1, 'onPush ran, so the real hook was back');
    assert.equal(await readFile(hookFile, 'utf8'), installed);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);

    await chmod(hookFile, 0o644);
    await commit(h, dir, { 'three.txt': '3\n' }, 'third');
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    assert.equal(h.pushes.length, before + 2);
  });

  it('refuses a push made straight into the repository on disk, bypassing Berth', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    const sha = await commit(h, dir, { 'sneaky.txt': 'x\n' }, 'sneaky');
    const result = await git(h, ['push', h.repoPath(appId), 'main'], dir);
    assert.notEqual(result.code, 0);
    assert.match(remoteLines(result.stderr).join('\n'), /accepts pushes only through Berth's git service/);
    assert.notEqual(await refIn(h, appId, 'refs/heads/main'), sha);
  });

  it('fails the push with a clear message when Berth stops during the build', async () => {
    const own = await startHarness();
    try {
      const { name, appId } = own.addApp('alice');
      const dir = await clientRepo(own);
      let aborted = false;
      let building!: () => void;
      const started = new Promise<void>((resolve) => { building = resolve; });
      own.onPush = async (_push, io) => {
        io.write('-----> Building...');
        building();
        await new Promise<void>((resolve) => {
          io.signal.addEventListener('abort', () => { aborted = true; resolve(); }, { once: true });
          setTimeout(resolve, 30_000).unref();
        });
        return { ok: true };
      };
      const pushing = git(own, ['push', own.remote(name), 'main'], dir);
      await started;
      await own.service.close();
      const result = await pushing;
      assert.notEqual(result.code, 0);
      assert.ok(aborted, 'onPush was told through io.signal');
      assert.deepEqual(remoteLines(result.stderr), [
        '-----> Building...',
        ' !     The push lost its connection to Berth before the build finished (Berth restarted or stopped).',
        ' !     Nothing was deployed from this push; push again.',
      ]);
      assert.match(result.stderr, /pre-receive hook declined/);
      assert.equal(await refIn(own, appId, 'refs/heads/main'), undefined);
    } finally {
      await own.close();
    }
  });
});
