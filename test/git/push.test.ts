import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { promisify } from 'node:util';
import { clientRepo, commit, git, mustGit, refIn, remoteLines, startHarness, type Harness } from './harness.js';
import { waitFor } from '../support/wait.js';

const ZERO = '0'.repeat(40);
let h: Harness;

before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

describe('git push', () => {
  it('pushing main calls onPush with the refs, streams its lines as remote: output and updates the ref', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h, { 'Procfile': 'web: ./serve\n' });
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    const tarPath = join(h.root, `${appId}.tar`);
    let archiveError: unknown;
    h.onPush = async (push, io) => {
      // The build prints over time: each write reaches git as its own sideband packet.
      io.write('-----> Building on the Berth stack');
      await pause(30);
      io.write('       line two\n       line three');
      await pause(30);
      await push.archive(tarPath).catch((err: unknown) => { archiveError = err; });
      io.write('-----> Launching... done');
      return { ok: true };
    };
    const result = await git(h, ['push', h.remote(name), 'main'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(remoteLines(result.stderr), [
      '-----> Building on the Berth stack',
      '       line two',
      '       line three',
      '-----> Launching... done',
    ]);
    assert.match(result.stderr, /\* \[new branch\] +main -> main/);

    const recorded = h.pushes.at(-1);
    assert.ok(recorded);
    const { push } = recorded;
    assert.deepEqual(
      { appId: push.appId, appName: push.appName, accountId: push.accountId, repoPath: push.repoPath, refs: push.refs, deploy: push.deploy },
      { appId, appName: name, accountId: 'alice', repoPath: push.repoPath, refs: [{ oldSha: ZERO, newSha: sha, ref: 'refs/heads/main' }], deploy: { oldSha: ZERO, newSha: sha, ref: 'refs/heads/main' } },
    );
    assert.ok(push.repoPath.endsWith(`/${appId}.git`));
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);

    // The pushed tree, read from git's quarantine while the push was still undecided.
    assert.equal(archiveError, undefined);
    const listing = await promisify(execFile)('tar', ['-tf', tarPath], { encoding: 'utf8' });
    assert.deepEqual(listing.stdout.split('\n').filter(Boolean), ['Procfile']);
  });

  it('a push whose onPush says ok: false is declined and leaves the ref where it was', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    const first = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main'], dir);

    await commit(h, dir, { 'broken.txt': 'x\n' }, 'second');
    h.onPush = async (_push, io) => {
      io.write(' !     Push rejected, failed to compile Procfile app.');
      return { ok: false };
    };
    const result = await git(h, ['push', h.remote(name), 'main'], dir);
    assert.notEqual(result.code, 0);
    assert.deepEqual(remoteLines(result.stderr), [' !     Push rejected, failed to compile Procfile app.']);
    assert.match(result.stderr, /! \[remote rejected\] main -> main \(pre-receive hook declined\)/);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), first);
  });

  it('a push of another branch is stored without calling onPush, with a note saying only main or master deploys', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    const before = h.pushes.length;
    const result = await git(h, ['push', h.remote(name), 'main:feature'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(remoteLines(result.stderr), ['-----> Pushed to non-deploy branch feature; only main or master deploys.']);
    assert.equal(h.pushes.length, before);
    assert.equal(await refIn(h, appId, 'refs/heads/feature'), sha);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
  });

  it('master deploys like main, and a force push deploys the rewritten history', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    const first = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main:master'], dir);
    await writeFile(join(dir, 'README.md'), 'rewritten\n');
    await mustGit(h, ['commit', '-q', '-a', '--amend', '-m', 'rewritten'], dir);
    const rewritten = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();

    const refused = await git(h, ['push', h.remote(name), 'main:master'], dir);
    assert.notEqual(refused.code, 0, 'git itself refuses a non-fast-forward without --force');
    const forced = await git(h, ['push', '--force', h.remote(name), 'main:master'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /\+ [0-9a-f]+\.\.\.[0-9a-f]+ main -> master \(forced update\)/);
    assert.deepEqual(h.pushes.at(-1)?.push.deploy, { oldSha: first, newSha: rewritten, ref: 'refs/heads/master' });
    assert.equal(await refIn(h, appId, 'refs/heads/master'), rewritten);
  });

  it('deleting main is refused with a message, and pushing main and master together is refused', async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    const before = h.pushes.length;

    const deleted = await git(h, ['push', h.remote(name), ':main'], dir);
    assert.notEqual(deleted.code, 0);
    assert.match(remoteLines(deleted.stderr).join('\n'), /Deleting the main branch is not allowed/);
    assert.match(deleted.stderr, /! \[remote rejected\] main \(pre-receive hook declined\)/);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);

    await commit(h, dir, { 'two.txt': '2\n' }, 'second');
    const both = await git(h, ['push', h.remote(name), 'main:main', 'main:master'], dir);
    assert.notEqual(both.code, 0);
    assert.match(remoteLines(both.stderr).join('\n'), /updates both main and master/);
    assert.equal(await refIn(h, appId, 'refs/heads/master'), undefined);
    assert.equal(h.pushes.length, before);
  });

  it('pushing what the app already has says Everything up-to-date and builds nothing', async () => {
    const { name } = h.addApp('alice');
    const dir = await clientRepo(h);
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main'], dir);
    const before = h.pushes.length;
    const again = await git(h, ['push', h.remote(name), 'main'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Everything up-to-date/);
    assert.equal(h.pushes.length, before);
  });

  it('cloning an app after a push checks out the pushed commit', async () => {
    const { name } = h.addApp('alice');
    const dir = await clientRepo(h, { 'app.txt': 'version 1\n' });
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    h.onPush = async () => ({ ok: true });
    await mustGit(h, ['push', h.remote(name), 'main:master'], dir);
    const target = join(h.root, `clone-${name}`);
    const cloned = await git(h, ['clone', h.remote(name), target], h.root);
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.equal((await mustGit(h, ['rev-parse', 'HEAD'], target)).stdout.trim(), sha);
    assert.equal((await mustGit(h, ['branch', '--show-current'], target)).stdout.trim(), 'master');
    assert.equal(await readFile(join(target, 'app.txt'), 'utf8'), 'version 1\n');
  });

  it('of two simultaneous pushes to one app, one deploys and the other is rejected without building', async () => {
    const { name, appId } = h.addApp('alice');
    const a = await clientRepo(h, { 'a.txt': 'a\n' });
    const b = await clientRepo(h, { 'b.txt': 'b\n' });
    const shas = await Promise.all([a, b].map(async (d) => (await mustGit(h, ['rev-parse', 'HEAD'], d)).stdout.trim()));
    // The first build waits until the second push is queued behind it (seen in the service log).
    const queued = () => h.logs.some((e) => e.event === 'push_waiting' && e.app === name);
    const calls: string[] = [];
    h.onPush = async (push) => {
      calls.push(push.deploy.newSha);
      await waitFor('the second push to queue behind the first', queued);
      return { ok: true };
    };
    const results = await Promise.all([a, b].map((d) => git(h, ['push', h.remote(name), 'main'], d)));
    assert.ok(queued(), 'the second push waited for the first');
    assert.equal(calls.length, 1, 'only one build ran');
    const winner = results.findIndex((r) => r.code === 0);
    const loser = results.findIndex((r) => r.code !== 0);
    assert.ok(winner >= 0 && loser >= 0, results.map((r) => r.stderr).join('\n---\n'));
    assert.equal(calls[0], shas[winner]);
    const loserLines = remoteLines(results[loser]?.stderr ?? '').join('\n');
    assert.match(loserLines, /Waiting for the previous push/);
    assert.match(loserLines, /main was updated by another push \(it is now at [0-9a-f]{7}\) while this push waited/);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), shas[winner]);
  });

  it('a push over the size limit is refused and changes nothing', async () => {
    const small = await startHarness({ service: { limits: { maxPushBytes: 64 * 1024 } } });
    try {
      const { name, appId } = small.addApp('alice');
      const dir = await clientRepo(small, { 'noise.bin': randomBytes(512 * 1024).toString('base64') });
      const result = await git(small, ['push', small.remote(name), 'main'], dir);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /remote: fatal: pack exceeds maximum allowed size/);
      assert.equal(small.pushes.length, 0);
      assert.equal(await refIn(small, appId, 'refs/heads/main'), undefined);
    } finally {
      await small.close();
    }
  });
});
