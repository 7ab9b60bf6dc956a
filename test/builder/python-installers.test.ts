/**
 * The Python buildpack's installers against the real PyPI: uv.lock (uv sync --locked), poetry.lock
 * (poetry sync --only main), Pipfile.lock (pip with its hashes), and Django's collectstatic, with
 * the failures a user sees when a lockfile is stale or collectstatic breaks. The installed package
 * is imported with the virtualenv's own interpreter.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness } from './build-harness.js';
import { appDir } from './buildpack-detect.js';

const SIX_WHEEL = 'sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254';
const SIX_SDIST = 'sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926';

/** What the build's virtualenv imports: `module.__version__`. */
function importedVersion(sourceDir: string, module: string): string {
  const ran = spawnSync(join(sourceDir, '.heroku/python/bin/python'), ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(ran.status, 0, ran.stderr);
  return ran.stdout.trim();
}

describe('the Python buildpack installs from PyPI', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  it('a uv project with uv sync --locked, leaving out the project itself', async () => {
    const run = await h.build('python-uv');
    assert.equal(run.error, undefined, run.output);
    assert.match(run.output, /-----> Installing dependencies with uv\n/);
    assert.equal(importedVersion(run.sourceDir, 'six'), '1.16.0');
  });

  it('no uv project whose uv.lock is out of date with pyproject.toml, showing uv\'s error', async () => {
    const app = await appDir({}, 'python-uv');
    try {
      const pyproject = await readFile(join(app.dir, 'pyproject.toml'), 'utf8');
      await writeFile(join(app.dir, 'pyproject.toml'), pyproject.replace('"six==1.16.0"', '"six==1.16.0", "idna==3.10"'));
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.match(run.output, /The lockfile at `uv\.lock` needs to be updated/);
    } finally {
      await app.remove();
    }
  });

  it('a Poetry project with poetry sync --only main', async () => {
    const run = await h.build('python-poetry');
    assert.equal(run.error, undefined, run.output);
    assert.match(run.output, /-----> Installing dependencies with Poetry\n/);
    assert.equal(importedVersion(run.sourceDir, 'six'), '1.16.0');
  });

  it('a Pipfile.lock app with pip, checking the hashes it lists', async () => {
    const lock = (hashes: string[]) => JSON.stringify({
      _meta: { hash: { sha256: 'x' }, 'pipfile-spec': 6, requires: {}, sources: [{ name: 'pypi', url: 'https://pypi.org/simple', verify_ssl: true }] },
      default: { six: { hashes, index: 'pypi', version: '==1.16.0' } },
      develop: {},
    });
    const good = await appDir({ 'Pipfile.lock': lock([SIX_SDIST, SIX_WHEEL]), Procfile: 'web: python -m http.server $PORT\n' });
    const bad = await appDir({ 'Pipfile.lock': lock([`sha256:${'0'.repeat(64)}`]), Procfile: 'web: python -m http.server $PORT\n' });
    try {
      const run = await h.build(good.dir);
      assert.equal(run.error, undefined, run.output);
      assert.equal(importedVersion(run.sourceDir, 'six'), '1.16.0');
      const refused = await h.build(bad.dir);
      assert.equal(refused.error?.failure, 'compile_failed', refused.output);
      assert.match(refused.output, /THESE PACKAGES DO NOT MATCH THE HASHES/);
    } finally {
      await good.remove();
      await bad.remove();
    }
  });

  it('a Django app, running collectstatic into STATIC_ROOT, or skipping it with DISABLE_COLLECTSTATIC', async () => {
    const run = await h.build('python-django');
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('-----> $ python manage.py collectstatic --noinput'), run.output);
    assert.match(run.output, /1 static file copied to '\/.*\/staticfiles'/);
    assert.equal(await readFile(join(run.sourceDir, 'staticfiles/site/site.css'), 'utf8'), 'body { color: #0c4b33; }\n');
    assert.equal(importedVersion(run.sourceDir, 'django'), '5.2.19');

    const skipped = await h.build('python-django', { configVars: { DISABLE_COLLECTSTATIC: '1' } });
    assert.equal(skipped.error, undefined, skipped.output);
    assert.ok(skipped.lines.includes('-----> Skipping Django collectstatic since DISABLE_COLLECTSTATIC is set'), skipped.output);
    await assert.rejects(access(join(skipped.sourceDir, 'staticfiles')));
  });

  it('no Django app whose collectstatic fails, showing Django\'s error and how to skip the step', async () => {
    const app = await appDir({}, 'python-django');
    try {
      const settings = await readFile(join(app.dir, 'site_app/settings.py'), 'utf8');
      await writeFile(join(app.dir, 'site_app/settings.py'), settings.replace(/^STATIC_ROOT = .*$/m, ''));
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.match(run.output, /You're using the staticfiles app without having set the STATIC_ROOT setting/);
      assert.match(run.output, /Error while running '\$ python manage\.py collectstatic --noinput'\. See the traceback above\./);
      assert.match(run.output, /berth config:set DISABLE_COLLECTSTATIC=1/);
    } finally {
      await app.remove();
    }
  });
});
