/**
 * The Go buildpack offline: bin/detect, and bin/compile for modules with no dependencies (the
 * stack's toolchain, binaries in bin/, the web default, `// +heroku install`, a go line newer than
 * the stack's Go). Modules from the proxy are covered end to end in test/e2e/languages.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir, detect } from './buildpack-detect.js';

const goVersion = execFileSync('/usr/local/go/bin/go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
const MAIN = 'package main\n\nfunc main() { println("hello from go") }\n';

describe('the Go buildpack detects', () => {
  it('a module (go.mod) as "Go", and declines Node.js, Python and Procfile-only apps', async () => {
    assert.deepEqual(await detect('go', fixtureDir('go-web')), { code: 0, stdout: 'Go\n' });
    for (const fixture of ['node-web', 'python-flask', 'procfile-web', 'no-language']) {
      assert.deepEqual(await detect('go', fixtureDir(fixture)), { code: 1, stdout: '' }, fixture);
    }
  });

  it('not a GOPATH-era app with only .go files', async () => {
    const app = await appDir({ 'main.go': MAIN });
    try {
      assert.deepEqual(await detect('go', app.dir), { code: 1, stdout: '' });
    } finally {
      await app.remove();
    }
  });
});

describe('the Go buildpack compiles', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  it('a module into bin/ with the stack\'s Go, and makes its binary the web process', async () => {
    const app = await appDir({ 'go.mod': 'module example.com/tools/hello/v2\n\ngo 1.21\n', 'main.go': MAIN });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.ok(run.lines.includes('-----> Go app detected'), run.output);
      assert.ok(run.lines.includes(`-----> Using ${goVersion} (the stack's; go.mod asks for go 1.21)`), run.output);
      assert.ok(run.lines.includes('-----> Running: go install -v -tags heroku .'), run.output);
      assert.ok(run.lines.includes('       Installed to bin/: hello'), run.output);
      assert.deepEqual(run.result?.processTypes, { web: 'hello' });
      const slug = join(h.root, 'go-slug');
      await unpackSlug(h.blobs.path(run.result!.slug.key), slug);
      const ran = spawnSync(join(slug, 'bin', 'hello'), { encoding: 'utf8', timeout: 10_000 });
      assert.deepEqual([ran.status, ran.stderr], [0, 'hello from go\n']);
      await access(join(h.cacheDir(), 'go', 'build'), constants.R_OK);
    } finally {
      await app.remove();
    }
  });

  it('the packages a `// +heroku install` comment names, with no web default when none is named after the module', async () => {
    const app = await appDir({ 'go.mod': 'module example.com/multi\n\n// +heroku install ./cmd/...\n\ngo 1.21\n' });
    try {
      for (const cmd of ['worker', 'clock']) {
        await mkdir(join(app.dir, 'cmd', cmd), { recursive: true });
        await writeFile(join(app.dir, 'cmd', cmd, 'main.go'), MAIN);
      }
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.ok(run.lines.includes('-----> Running: go install -v -tags heroku ./cmd/...'), run.output);
      assert.ok(run.lines.includes('       Installed to bin/: clock worker'), run.output);
      assert.deepEqual(run.result?.processTypes, {});
    } finally {
      await app.remove();
    }
  });

  it('no module whose go line is newer than the stack\'s Go, naming both', async () => {
    const app = await appDir({ 'go.mod': 'module example.com/future\n\ngo 1.99\n', 'main.go': MAIN });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes(` !     go.mod asks for go 1.99, but this stack has ${goVersion} only.`), run.output);
    } finally {
      await app.remove();
    }
  });
});
