// The per-host stack image cache (src/stacks/stack-cache.ts) on tiny but real root filesystems:
// the cache logic (versions, content hashes, half-built and corrupted images, one builder per
// host) does not depend on what the images hold, and a real berth-24 build takes minutes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_24 } from '../../src/core/stacks.js';
import { StackCache } from '../../src/stacks/stack-cache.js';
import { HostStacks } from '../../src/main/stack-images.js';
import { TinyRootfsBuilder } from '../support/tiny-rootfs.js';

describe('the stack image cache', () => {
  let root: string;
  before(async () => { root = await mkdtemp(join(tmpdir(), 'berth-stack-cache-')); });
  after(() => rm(root, { recursive: true, force: true }));

  async function fresh(): Promise<{ dir: string; builder: TinyRootfsBuilder; cache: () => StackCache }> {
    const dir = await mkdtemp(join(root, 'c-'));
    const builder = new TinyRootfsBuilder();
    return { dir, builder, cache: () => new StackCache({ dir, stack: BERTH_24, builder }) };
  }

  it('builds a stack once and reuses the verified version on the next start', async () => {
    const { dir, builder, cache } = await fresh();
    const lines: string[] = [];
    const first = await cache().ensure((l) => lines.push(l));
    assert.match(first.version, /^\d{8}\.[0-9a-f]{8}$/);
    assert.ok(lines.some((l) => /ready: run image/.test(l)), lines.join('\n'));
    const second = await cache().ensure();
    assert.equal(second.version, first.version);
    assert.equal(builder.builds, 1);
    assert.equal((await readFile(join(dir, 'berth-24', 'current'), 'utf8')).trim(), first.version);
    assert.equal(await readFile(join(second.run, 'usr', 'bin', 'tool'), 'utf8'), '#!/bin/sh\necho run\n');
    assert.deepEqual(second.manifest.packages.build, ['base-files=1', 'gcc=1']);
  });

  it('detects an image whose content no longer matches its hash and rebuilds it', async () => {
    const { builder, cache } = await fresh();
    const built = await cache().ensure();
    await writeFile(join(built.run, 'usr', 'bin', 'tool'), '#!/bin/sh\necho XXX\n'); // same size, other bytes
    const lines: string[] = [];
    const again = await cache().ensure((l) => lines.push(l));
    assert.equal(builder.builds, 2);
    assert.ok(lines.some((l) => l.includes(`${built.version} is corrupted (the run image's content hash`)), lines.join('\n'));
    assert.equal(await readFile(join(again.run, 'usr', 'bin', 'tool'), 'utf8'), '#!/bin/sh\necho run\n');
  });

  it('keeps an image whose files were only touched, after checking its content', async () => {
    const { builder, cache } = await fresh();
    const built = await cache().ensure();
    await utimes(join(built.build, 'etc', 'os-release'), new Date(0), new Date(0));
    const lines: string[] = [];
    const again = await cache().ensure((l) => lines.push(l));
    assert.equal(again.version, built.version);
    assert.equal(builder.builds, 1);
    assert.ok(lines.some((l) => l.startsWith('verifying the build image')), lines.join('\n'));
  });

  it('rebuilds a version left half-built (no manifest) and removes a dead builder\'s directory', async () => {
    const { dir, builder, cache } = await fresh();
    const built = await cache().ensure();
    await rm(join(dir, 'berth-24', built.version, 'manifest.json'));
    await mkdir(join(dir, 'berth-24', '.building-999999-1', 'run'), { recursive: true });
    const lines: string[] = [];
    const again = await cache().ensure((l) => lines.push(l));
    assert.equal(builder.builds, 2);
    assert.ok(lines.some((l) => l.includes('is half-built (no manifest): rebuilding it')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('removing .building-999999-1')), lines.join('\n'));
    assert.ok((await cache().version(again.version)) !== undefined);
    assert.deepEqual((await readdir(join(dir, 'berth-24'))).filter((n) => n.startsWith('.building-')), []);
  });

  it('lets a second start wait for the build in progress, saying so, instead of building again', async () => {
    const { builder, cache } = await fresh();
    let release!: () => void;
    builder.hold = new Promise((resolve) => { release = resolve; });
    const started = new Promise<void>((resolve) => { builder.started = resolve; });
    const first = cache().ensure();
    await started;
    const waiting: string[] = [];
    let said!: () => void;
    const saidIt = new Promise<void>((resolve) => { said = resolve; });
    const second = cache().ensure((l) => { waiting.push(l); said(); });
    await saidIt;
    assert.match(waiting[0] ?? '', /^waiting for process \d+ \(since .*\) to finish: verify of berth-24$/);
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(b.version, a.version);
    assert.equal(builder.builds, 1);
  });

  it('builds a new version when the package lists changed since the current one was built', async () => {
    const { builder, cache } = await fresh();
    builder.lists = 'bash curl';
    const old = await cache().ensure();
    assert.equal((await cache().ensure()).version, old.version);
    builder.lists = 'bash curl ruby-bundler';
    const lines: string[] = [];
    const next = await cache().ensure((l) => lines.push(l), { trustCheckWithinMs: 60_000 });
    assert.notEqual(next.version, old.version);
    assert.equal(builder.builds, 2);
    assert.ok(lines.some((l) => l === `the package lists of berth-24 changed since version ${old.version} was built: building a new version`), lines.join('\n'));
  });

  it('makes a version built from the same package lists current again instead of building it twice (checkouts with other lists on one host)', async () => {
    const { builder, cache } = await fresh();
    builder.lists = 'bash curl';
    const first = await cache().ensure();
    builder.lists = 'bash curl redis-tools';
    const second = await cache().ensure();
    assert.notEqual(second.version, first.version);
    builder.lists = 'bash curl';
    const lines: string[] = [];
    const again = await cache().ensure((l) => lines.push(l));
    assert.equal(again.version, first.version);
    assert.equal(builder.builds, 2);
    assert.ok(lines.includes(`the package lists of berth-24 are those version ${first.version} was built from: making it current again`), lines.join('\n'));
    assert.equal((await cache().ensure()).version, first.version);
  });

  it('never prunes the version that was current before an update, even when it was built long ago and made current again', async () => {
    const { builder, cache } = await fresh();
    builder.lists = 'a';
    const old = await cache().ensure();
    for (const lists of ['b', 'c']) {
      builder.lists = lists;
      await cache().ensure();
    }
    builder.lists = 'a';
    assert.equal((await cache().ensure()).version, old.version, 'the oldest build is current again');
    const next = await cache().update();
    assert.notEqual(next.version, old.version);
    const kept = (await cache().versions()).map((m) => m.version);
    assert.ok(kept.includes(old.version), `the previous current version stays for the dynos rolling off it (kept: ${kept.join(', ')})`);
    assert.equal(await readFile(join(old.run, 'etc', 'os-release'), 'utf8'), 'ID=tiny\nBUILD=1\n');
    assert.equal(kept.length, 3, 'three versions kept, as before');
  });

  it('makes a new current version on update and keeps the previous one for running dynos', async () => {
    const { builder, cache } = await fresh();
    const old = await cache().ensure();
    const next = await cache().update();
    assert.notEqual(next.version, old.version);
    assert.equal(builder.builds, 2);
    assert.equal((await cache().ensure()).version, next.version);
    assert.deepEqual((await cache().versions()).map((m) => m.version), [next.version, old.version]);
  });

  it('keeps the version, and the files dynos run on, when an update builds the same content again', async () => {
    const { builder, cache } = await fresh();
    builder.sameContent = true;
    const old = await cache().ensure();
    const inode = (await stat(join(old.run, 'etc', 'os-release'))).ino;
    const lines: string[] = [];
    const next = await cache().update((l) => lines.push(l));
    assert.equal(builder.builds, 2, 'it did build again');
    assert.equal(next.version, old.version);
    assert.ok(lines.includes(`the rebuilt images of berth-24 are the same as version ${old.version}: keeping it`), lines.join('\n'));
    assert.equal((await stat(join(next.run, 'etc', 'os-release'))).ino, inode, 'the running version was not replaced under its dynos');
    assert.deepEqual((await cache().versions()).map((m) => m.version), [old.version]);
    assert.deepEqual((await readdir(join(old.run, '..', '..'))).filter((n) => n.startsWith('.building-')), [], 'the new build was removed');
  });
});

describe('the host stacks of a running Berth', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-host-stacks-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  it('makes a build that arrives while the first stack image is being built wait, with a message, then run on it', async () => {
    const builder = new TinyRootfsBuilder();
    let release!: () => void;
    builder.hold = new Promise((resolve) => { release = resolve; });
    const started = new Promise<void>((resolve) => { builder.started = resolve; });
    const stacks = new HostStacks(new StackCache({ dir, stack: BERTH_24, builder }), { log: () => undefined, rollApps: async () => 0 });
    stacks.start();
    await started;
    assert.equal((await stacks.describe())[0]?.state, 'building');
    const messages: string[] = [];
    let settled = false;
    const image = stacks.buildImage((m) => messages.push(m)).finally(() => { settled = true; });
    assert.deepEqual(messages, ['Waiting for this host to finish building the berth-24 stack image (Debian 13 (trixie)); the first build on a new host takes minutes, later ones none']);
    assert.equal(settled, false);
    release();
    const { path, version } = await image;
    assert.equal(path, join(dir, 'berth-24', version, 'build'));
    assert.equal((await stacks.describe())[0]?.state, 'ready');
    const later: string[] = [];
    await stacks.buildImage((m) => later.push(m));
    assert.deepEqual(later, [], 'a ready stack makes no build wait');
  });

  it('trusts a check another start made moments ago, but never in berth stacks:build\'s full check', async () => {
    const builder = new TinyRootfsBuilder();
    const cache = () => new StackCache({ dir: join(dir, 'trust'), stack: BERTH_24, builder });
    const built = await cache().ensure();
    await writeFile(join(built.run, 'usr', 'bin', 'tool'), '#!/bin/sh\necho XXX\n');
    assert.equal((await cache().ensure(() => undefined, { trustCheckWithinMs: 60_000 })).version, built.version);
    assert.equal(builder.builds, 1);
    assert.notEqual((await cache().ensure()).version, built.version);
    assert.equal(builder.builds, 2);
  });
});
