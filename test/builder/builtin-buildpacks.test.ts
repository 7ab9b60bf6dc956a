import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { get, startWeb } from './app-process.js';
import { BuildHarness, fixtureDir } from './build-harness.js';

describe('built-in buildpacks on the fixture apps', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  const unpack = async (key: string): Promise<string> => {
    const dir = join(h.root, `unpacked-${Math.random().toString(36).slice(2)}`);
    await unpackSlug(h.blobs.path(key), dir);
    return dir;
  };

  it('builds a Procfile-only app and its web process answers', async () => {
    const run = await h.build('procfile-web');
    assert.equal(run.error, undefined, run.output);
    assert.deepEqual(run.lines.slice(0, 4), [
      "-----> Building on the host's root filesystem (berth-24 stack image off: --dyno-root host)",
      '-----> Determining which buildpack to use for this app',
      '-----> Using buildpack: heroku/procfile',
      '-----> Procfile app detected',
    ]);
    assert.ok(run.lines.includes('       Procfile declares types     -> web'), run.output);
    assert.match(run.output, /-----> Compressing\.\.\.\n {7}Done: \d+(\.\d)?[BKM]/);
    assert.equal(run.result?.buildpackDescription, 'Procfile');
    assert.deepEqual(run.result?.processTypes, { web: 'node server.js' });
    assert.deepEqual(run.result?.buildpacks, ['heroku/procfile']);
    const app = await unpack(run.result!.slug.key);
    const web = await startWeb(app, 'node server.js');
    try {
      assert.match((await get(web.port, '/hello')).body, /procfile-web ok \/hello/);
    } finally {
      await web.stop();
    }
  });

  it('builds a Node.js app with the host Node.js, runs its build script and reuses the npm cache next time', async () => {
    const first = await h.build('node-web');
    assert.equal(first.error, undefined, first.output);
    assert.ok(first.lines.includes('-----> Node.js app detected'), first.output);
    assert.match(first.output, new RegExp(`Using the host's Node\\.js ${process.version.replace(/\./g, '\\.')} and npm \\d+`));
    assert.match(first.output, /engines\.node \(package\.json\): 20\.x/);
    assert.doesNotMatch(first.output, /asks for Node\.js/);
    assert.match(first.output, /Running build/);
    assert.match(first.output, /build\.js wrote public\/built\.txt/);
    assert.doesNotMatch(first.output, /Restoring cache/);
    assert.deepEqual(first.result?.processTypes, { web: 'npm start' });
    assert.ok(first.lines.includes('       Default types for buildpack -> web'), first.output);
    assert.equal(first.result?.buildpackDescription, 'Node.js');

    const app = await unpack(first.result!.slug.key);
    assert.equal(await readFile(join(app, 'public', 'built.txt'), 'utf8'), 'built by npm run build (NODE_ENV=production)\n');
    assert.match(await readFile(join(app, '.profile.d', 'nodejs.sh'), 'utf8'), /node_modules\/\.bin/);
    const web = await startWeb(app, 'npm start');
    try {
      assert.equal((await get(web.port, '/built')).body, 'built by npm run build (NODE_ENV=production)\n');
    } finally {
      await web.stop();
    }

    assert.match(await readFile(join(h.cacheDir(), 'berth-nodejs-signature'), 'utf8'), /^node \d+ npm \d+\n$/);
    const second = await h.build('node-web');
    assert.equal(second.error, undefined, second.output);
    assert.match(second.output, /-----> Restoring cache\n {7}Using the npm cache from the previous build/);
  });

  it('warns when engines.node asks for another major version, and builds anyway', async () => {
    const dir = join(h.root, 'node-old-engines');
    await rm(dir, { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(fixtureDir('node-web'), dir, { recursive: true });
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    pkg.engines.node = '14.x';
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg));
    const run = await h.build(dir);
    assert.equal(run.error, undefined, run.output);
    assert.match(run.output, / ! {5}package\.json asks for Node\.js 14\.x, but this machine has v\d+/);
  });

  it('builds a static site served with content types, index pages, 404s and no way out of the root', async () => {
    const run = await h.build('static-site');
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('-----> Static HTML app detected'), run.output);
    assert.deepEqual(run.result?.processTypes, { web: 'node .berth-static/server.js' });
    const app = await unpack(run.result!.slug.key);
    const web = await startWeb(app, 'node .berth-static/server.js');
    try {
      const index = await get(web.port, '/');
      assert.equal(index.status, 200);
      assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(index.body, /static-site ok/);
      assert.equal((await get(web.port, '/style.css')).headers['content-type'], 'text/css; charset=utf-8');
      const redirect = await get(web.port, '/about');
      assert.deepEqual([redirect.status, redirect.headers.location], [301, '/about/']);
      assert.match((await get(web.port, '/about/')).body, /about page/);
      const missing = await get(web.port, '/nope.html');
      assert.equal(missing.status, 404);
      assert.match(missing.body, /custom 404/);
      for (const path of ['/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc/passwd', '/.berth-static/server.js', '/.profile.d/', '/Procfile']) {
        assert.equal((await get(web.port, path)).status, 404, path);
      }
      assert.equal((await get(web.port, '/', 'POST')).status, 405);
      assert.equal((await get(web.port, '/', 'HEAD')).body, '');
    } finally {
      await web.stop();
    }
  });

  it('fails an app no buildpack recognises, listing what was tried', async () => {
    const run = await h.build('no-language');
    assert.equal(run.error?.failure, 'no_buildpack_detected');
    assert.ok(run.lines.includes(' !     No default language could be detected for this app.'), run.output);
    assert.match(run.output, /Tried: heroku\/ruby \(needs Gemfile\), heroku\/nodejs \(needs package\.json\), heroku\/python \(needs requirements\.txt, Pipfile\.lock, or pyproject\.toml with poetry\.lock or uv\.lock\), heroku\/java \(needs pom\.xml, or gradlew \/ build\.gradle\), heroku\/php \(needs composer\.json or index\.php\), heroku\/go \(needs go\.mod\), heroku\/static \(needs index\.html or static\.json\), heroku\/procfile \(needs a Procfile\)\./);
    assert.equal(await h.blobs.exists('slugs/none.tgz'), false);
  });

  it('fails a malformed Procfile with its line number before any buildpack runs', async () => {
    const run = await h.build('bad-procfile');
    assert.equal(run.error?.failure, 'procfile_invalid');
    assert.deepEqual(run.lines, [
      "-----> Building on the host's root filesystem (berth-24 stack image off: --dyno-root host)",
      ' !     Procfile line 3 is invalid: expected `<type>: <command>` with type made of letters, digits, - and _.',
    ]);
  });

  it('fails when bin/compile exits 1, with the exit code and Heroku\'s rejection line', async () => {
    const run = await h.build('compile-fails', { buildpacks: [join(fixtureDir('compile-fails'), 'buildpack')] });
    assert.equal(run.error?.failure, 'compile_failed');
    assert.equal(run.error?.exitCode, 1);
    assert.ok(run.lines.includes('       error: this buildpack always fails'), run.output);
    assert.ok(run.lines.includes(' !     Push rejected, failed to compile Failing app.'), run.output);
    assert.equal(run.lines.at(-1), ' !     Push rejected, failed to compile Failing app.');
  });

  it('records the release: process separately from the process types', async () => {
    const run = await h.build('release-phase');
    assert.equal(run.error, undefined, run.output);
    assert.equal(run.result?.releaseCommand, 'node migrate.js');
    assert.deepEqual(run.result?.processTypes, { web: 'node server.js' });
    assert.ok(run.lines.includes('       Procfile declares types     -> release, web'), run.output);
  });
});
