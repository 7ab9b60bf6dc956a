import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuildpackFetchError, fetchGitBuildpack } from '../../src/builder/fetch-buildpack.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { type GitHttpServer, startGitHttpServer } from '../egress/git-http-server.js';
import { type CountingServer, PRIVATE_ADDRESS, REDIRECTOR_ONLY, startCountingServer, startRedirector } from '../egress/targets.js';
import { type GitDaemon, startGitDaemon } from '../support/git-daemon.js';
import { repoRoot } from '../support/repo-root.js';

const buildpackDir = join(repoRoot(), 'test', 'fixtures', 'apps', 'compile-fails', 'buildpack');

describe('git buildpack URLs and private addresses', () => {
  let cacheDir: string;
  let forbidden: CountingServer;
  let gitHttp: GitHttpServer;
  let daemon: GitDaemon;
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'berth-bp-egress-'));
    forbidden = await startCountingServer('127.0.0.1');
    gitHttp = await startGitHttpServer(buildpackDir);
    daemon = await startGitDaemon({ bp: buildpackDir });
  });
  after(async () => {
    await forbidden.close();
    await gitHttp.close();
    await daemon.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const fetch = (url: string, egress: EgressGuard) => fetchGitBuildpack({ url, ref: undefined, cacheDir, allowLocal: false, egress, timeoutMs: 60_000 });
  const refusedByPolicy = (port: number) => (err: unknown) => {
    assert.ok(err instanceof BuildpackFetchError, String(err));
    assert.match(err.message, /refused by policy/);
    assert.equal(err.message.split(String(port)).length - 1, 1, `the port appears only in the URL shown: ${err.message}`);
    return true;
  };

  it('refuse loopback, private and local-name URLs without an allowance, fetching nothing', async () => {
    const guard = new EgressGuard();
    for (const url of [gitHttp.url('127.0.0.1'), gitHttp.url('localhost'), daemon.url('bp'), `https://${PRIVATE_ADDRESS}:${gitHttp.port}/repo.git`, `git://[::1]:${forbidden.port}/bp.git`]) {
      const port = Number(new URL(url).port);
      await assert.rejects(fetch(url, guard), refusedByPolicy(port), url);
    }
    assert.equal(gitHttp.connections, 0);
    assert.equal(forbidden.connections, 0);
    assert.deepEqual(await readdir(cacheDir), [], 'nothing was cached');
  });

  it('refuse to follow a redirect, even to where the first URL pointed', async () => {
    const redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`, 301);
    try {
      await assert.rejects(fetch(`http://127.0.0.2:${redirector.port}/bp.git`, new EgressGuard(REDIRECTOR_ONLY)), refusedByPolicy(redirector.port));
      assert.equal(redirector.connections, 1);
      assert.equal(forbidden.connections, 0);
    } finally {
      await redirector.close();
    }
  });

  it('refuse ssh:// URLs, which Berth holds no key for', async () => {
    await assert.rejects(fetch('ssh://git@example.com/bp.git', new EgressGuard()), /ssh:\/\/ is not supported .* use an https:\/\/ URL/);
  });

  it('fetch from an allowed range by name over http (pinned to the checked address) and over git://', async () => {
    const guard = new EgressGuard(['127.0.0.0/8', '::1/128']);
    const overHttp = await fetch(gitHttp.url('localhost'), guard);
    assert.equal(overHttp.cached, false);
    assert.ok(gitHttp.connections >= 1);
    const overGit = await fetch(daemon.url('bp'), guard);
    for (const fetched of [overHttp, overGit]) {
      assert.match(fetched.commit, /^[0-9a-f]{40}$/);
      assert.equal(await readFile(join(fetched.dir, 'bin', 'compile'), 'utf8'), await readFile(join(buildpackDir, 'bin', 'compile'), 'utf8'));
    }
  });

  it('name the URL they could not reach when nothing listens there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/heroku/heroku-buildpack-ruby.git`;
    await assert.rejects(fetch(url, new EgressGuard(['127.0.0.0/8'])), (err: unknown) => {
      assert.ok(err instanceof BuildpackFetchError, String(err));
      assert.ok(err.message.startsWith(`Could not fetch buildpack ${url}: git failed (`), err.message);
      assert.match(err.message, /Failed to connect to 127\.0\.0\.1 port \d+/);
      return true;
    });
  });
});
