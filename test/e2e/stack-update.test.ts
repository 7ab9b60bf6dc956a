// berth stacks:update end to end: a Berth on its own small stack (real mmdebstrap, from package
// lists given with BERTH_STACK_LISTS, into its own stack cache) rebuilds the stack while a web
// dyno serves requests, and rolls the dyno onto the new run image: no rebuild, no new release,
// no failed request. Which image a dyno runs on is read from inside it (an inode of its /usr).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { startRequestLoop } from '../support/request-loop.js';
import { routerGet, waitForDynos, waitForLogs } from '../support/spine.js';
import { stackCacheDir } from '../../src/main/stack-images.js';

// Essential Debian, plus what a Node dyno loads; the build image adds nothing (a copy of the run
// image), so a version takes one mmdebstrap run (~40 s with the host's kept .debs).
const work = mkdtempSync('/tmp/berth-stack-update-');
const cache = join(work, 'cache');
const lists = join(work, 'lists');
mkdirSync(join(lists, 'berth-24'), { recursive: true });
writeFileSync(join(lists, 'berth-24', 'run.packages'), '# a small stack for this test\nca-certificates\nlibstdc++6\n');
writeFileSync(join(lists, 'berth-24', 'build.packages'), '# nothing beyond the run image\n');
mkdirSync(cache);
const hostDebs = join(stackCacheDir(process.env), '.debs');
try {
  // Hard links (same filesystem): no copy. Elsewhere mmdebstrap downloads the few packages.
  if (existsSync(hostDebs)) execFileSync('cp', ['-al', hostDebs, join(cache, '.debs')], { stdio: 'ignore' });
} catch {
  rmSync(join(cache, '.debs'), { recursive: true, force: true });
}

const inode = (version: string) => statSync(join(cache, 'berth-24', version, 'run', 'usr/lib/os-release')).ino;

interface StackJson { name: string; version: string | null; image_state: string }

describe('stacks:update on a running Berth', () => {
  const berth = useBerth({ env: { BERTH_STACK_CACHE: cache, BERTH_STACK_LISTS: lists } });
  let app: string;
  after(() => rmSync(work, { recursive: true, force: true }));

  before(async () => {
    app = await berth.createApp('stack-update');
    const pushed = await (await berth.repo(app, 'stack-probe')).push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
  });

  it('refuses an edited package list that does not parse, naming the line, and changes nothing', async () => {
    const [before] = (await api(berth, '/stacks')).body as StackJson[];
    writeFileSync(join(lists, 'berth-24', 'run.packages'), 'ca-certificates\nlibstdc++6\nnetbase curl\n');
    const refused = await api(berth, '/stacks/berth-24/actions/update', { method: 'POST', body: '{}' });
    assert.equal(refused.status, 502);
    assert.equal(refused.body.id, 'stack_build_failed');
    assert.match(refused.body.message, /run\.packages:3: "netbase curl" is not a Debian package name/);
    assert.match(refused.body.message, /stays on its current version; no dyno was restarted/);
    const [after] = (await api(berth, '/stacks')).body as StackJson[];
    assert.equal(after?.version, before?.version);
    assert.equal((await routerGet(berth, app, '/')).body, `os-release inode ${inode(before?.version as string)}\n`);
  });

  it('rebuilds the stack from the edited list and rolls the web dyno onto the new run image: no rebuild, no new release, no failed request', async (t) => {
    const [before] = (await api(berth, '/stacks')).body as StackJson[];
    assert.equal(before?.image_state, 'ready');
    const old = before?.version as string;
    const first = await routerGet(berth, app, '/');
    assert.equal(first.body, `os-release inode ${inode(old)}\n`, 'the dyno runs on the stack version GET /stacks names');
    const releases = ((await api(berth, `/apps/${app}/releases`)).body as unknown[]).length;
    const builds = ((await api(berth, `/apps/${app}/builds`)).body as unknown[]).length;
    // The operator adds a package: the update builds from the edited list.
    writeFileSync(join(lists, 'berth-24', 'run.packages'), 'ca-certificates\nlibstdc++6\nnetbase\n');
    const [dyno] = await waitForDynos(berth, app, 'the web dyno up', (l) => l.some((d) => d.type === 'web' && d.state === 'up'));

    const loop = startRequestLoop(berth, app, { clients: 4, maxMs: 600_000 });
    const update = await api(berth, '/stacks/berth-24/actions/update', { method: 'POST', body: '{}' });
    assert.equal(update.status, 200, JSON.stringify(update.body));
    const { version, previous_version: previous, apps_rolled: rolled } = update.body as { version: string; previous_version: string; apps_rolled: number };
    assert.equal(previous, old);
    assert.notEqual(version, old, 'a rebuild makes a new version');
    assert.equal(rolled, 1);
    const moved = await loop.seen(new RegExp(`^os-release inode ${inode(version)}\\n$`), 60_000);
    await waitForDynos(berth, app, 'the web dyno replaced and up', (l) => l.some((d) => d.type === 'web' && d.state === 'up' && d.id !== dyno?.id) && !l.some((d) => d.id === dyno?.id), 60_000);
    const result = await loop.stop();
    assert.ok(moved, `the web dyno answers from the new image (${[...result.bodies.keys()].join(' | ')})`);
    assert.deepEqual(result.failures, [], `no failed request of ${result.requests}`);
    t.diagnostic(`${result.requests} requests through the update and roll, none failed`);
    assert.equal((await routerGet(berth, app, '/')).body, `os-release inode ${inode(version)}\n`);

    assert.equal(((await api(berth, `/apps/${app}/releases`)).body as unknown[]).length, releases, 'no new release');
    assert.equal(((await api(berth, `/apps/${app}/builds`)).body as unknown[]).length, builds, 'no rebuild');
    await waitForLogs(berth, app, [new RegExp(`Stack berth-24 updated from ${old.replace('.', '\\.')} to ${version.replace('.', '\\.')}: restarting dynos onto it, no rebuild`)]);
    const [now] = (await api(berth, '/stacks')).body as StackJson[];
    assert.equal(now?.version, version, 'GET /stacks names the new version');
    assert.ok(existsSync(join(cache, 'berth-24', version, 'run', 'etc', 'services')), 'the new image has the added package (netbase)');
  });
});
