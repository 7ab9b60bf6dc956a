/**
 * The Python buildpack offline: bin/detect on each marker file, and bin/compile's checks and
 * virtualenv (the stack's Python, relocated to /app) for an app with nothing to download.
 * Installs from PyPI are covered in test/builder/python-installers.test.ts (uv, Poetry, Pipfile.lock,
 * Django collectstatic) and end to end in test/e2e/languages.test.ts (pip, Flask).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir, detect } from './buildpack-detect.js';
import { repoRoot } from '../support/repo-root.js';

const stackPython = execFileSync('/usr/bin/python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' }).trim();
const stackMinor = stackPython.split('.').slice(0, 2).join('.');

describe('the Python buildpack detects', () => {
  for (const [what, files] of [
    ['requirements.txt', { 'requirements.txt': 'flask\n' }],
    ['Pipfile.lock', { 'Pipfile.lock': '{}' }],
    ['pyproject.toml with poetry.lock', { 'pyproject.toml': '', 'poetry.lock': '' }],
    ['pyproject.toml with uv.lock', { 'pyproject.toml': '', 'uv.lock': '' }],
    ['a bare pyproject.toml (compile then says which lockfile is missing)', { 'pyproject.toml': '' }],
  ] as const) {
    it(`an app with ${what} as "Python"`, async () => {
      const app = await appDir(files);
      try {
        assert.deepEqual(await detect('python', app.dir), { code: 0, stdout: 'Python\n' });
      } finally {
        await app.remove();
      }
    });
  }

  it('the Flask fixture, and declines Node.js, Go and Procfile-only apps', async () => {
    assert.deepEqual(await detect('python', fixtureDir('python-flask')), { code: 0, stdout: 'Python\n' });
    for (const fixture of ['node-web', 'go-web', 'procfile-web', 'no-language']) {
      assert.deepEqual(await detect('python', fixtureDir(fixture)), { code: 1, stdout: '' }, fixture);
    }
  });
});

describe('the Python buildpack compiles', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  it('an app with empty requirements into a virtualenv of the stack\'s Python whose scripts point at /app', async () => {
    const app = await appDir({ 'requirements.txt': '# nothing to install\n', '.python-version': `${stackMinor}\n`, Procfile: 'web: python -m http.server $PORT\n' });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.deepEqual(run.lines.slice(2, 5), ['-----> Using buildpack: heroku/python', '-----> Python app detected', `-----> Using Python ${stackPython} (the stack's; .python-version asks for ${stackMinor})`]);
      assert.ok(run.lines.includes('-----> Installing requirements with pip'), run.output);
      assert.deepEqual(run.result?.processTypes, { web: 'python -m http.server $PORT' });
      const slug = join(h.root, 'python-slug');
      await unpackSlug(h.blobs.path(run.result!.slug.key), slug);
      assert.equal(await readlink(join(slug, '.heroku/python/bin/python3')), `python${stackMinor}`);
      assert.ok((await lstat(join(slug, `.heroku/python/bin/python${stackMinor}`))).isFile(), 'the interpreter is a copy, not a link out of the slug');
      const ran = spawnSync(join(slug, '.heroku/python/bin/python3'), ['-c', 'import sys; print(sys.prefix, sys.version_info[:2])'], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(ran.stdout, `${join(slug, '.heroku/python')} (${stackMinor.replace('.', ', ')})\n`, ran.stderr);
      assert.match(await readFile(join(slug, '.heroku/python/bin/pip'), 'utf8'), /^#!\/app\/\.heroku\/python\/bin\/python3?\n/);
      assert.match(await readFile(join(slug, '.profile.d/python.sh'), 'utf8'), /export PATH="\/app\/\.heroku\/python\/bin:\$PATH"/);
      assert.match(await readFile(join(h.cacheDir(), 'berth-python-signature'), 'utf8'), new RegExp(`^python ${stackMinor.replace('.', '\\.')}\\n$`));
    } finally {
      await app.remove();
    }
  });

  it('no app that asks for a Python version the stack lacks, naming the one it has', async () => {
    const app = await appDir({ 'requirements.txt': 'flask\n', 'runtime.txt': 'python-2.7.18\n' });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes(' !     runtime.txt asks for Python 2.7.18, which this stack does not have.'), run.output);
      assert.ok(run.lines.includes(` !     This stack has Python ${stackPython} only (Berth uses the stack's Python and never downloads another).`), run.output);
      assert.doesNotMatch(run.output, /Installing requirements/);
    } finally {
      await app.remove();
    }
  });

  it('no pyproject.toml app without a lockfile, saying which lockfile to commit', async () => {
    const app = await appDir({ 'pyproject.toml': '[project]\nname = "x"\n' });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes(' !     pyproject.toml found, but no poetry.lock or uv.lock: run `poetry lock` or `uv lock` and commit the lockfile, or add a requirements.txt.'), run.output);
    } finally {
      await app.remove();
    }
  });
});

describe('the Python buildpack reads Pipfile.lock', () => {
  it('as requirements lines of its default packages with extras, markers, hashes and git refs, leaving out develop', async () => {
    const lock = {
      _meta: { hash: { sha256: 'x' } },
      default: {
        requests: { version: '==2.32.3', extras: ['socks'], markers: 'python_version >= "3.8"', hashes: ['sha256:aa', 'sha256:bb'] },
        mylib: { git: 'https://example.com/mylib.git', ref: 'v1.2' },
        six: { version: '==1.16.0' },
      },
      develop: { pytest: { version: '==8.0.0' } },
    };
    const app = await appDir({ 'Pipfile.lock': JSON.stringify(lock) });
    try {
      const out = execFileSync('/usr/bin/python3', [join(repoRoot(), 'buildpacks/python/lib/pipfile-lock.py'), join(app.dir, 'Pipfile.lock')], { encoding: 'utf8' });
      assert.deepEqual(out.split('\n'), [
        'mylib @ git+https://example.com/mylib.git@v1.2',
        'requests[socks]==2.32.3 ; python_version >= "3.8" --hash=sha256:aa --hash=sha256:bb',
        'six==1.16.0',
        '',
      ]);
    } finally {
      await app.remove();
    }
  });
});
