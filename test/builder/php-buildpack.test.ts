/**
 * The PHP buildpack on the stack's PHP and Composer, offline (the fixture's one dependency comes
 * from a path repository): bin/detect, composer install from composer.lock with the built-in
 * server as the web default, and a composer.lock out of sync with composer.json (Composer's own
 * message). Pushed and served end to end in test/e2e/languages.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir, detect } from './buildpack-detect.js';

const phpVersion = execFileSync('php', ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });

describe('the PHP buildpack detects', () => {
  it('composer.json or an index.php as "PHP", and declines other languages', async () => {
    assert.deepEqual(await detect('php', fixtureDir('php-composer')), { code: 0, stdout: 'PHP\n' });
    const bare = await appDir({ 'index.php': '<?php echo "hi";\n' });
    try {
      assert.deepEqual(await detect('php', bare.dir), { code: 0, stdout: 'PHP\n' });
    } finally {
      await bare.remove();
    }
    for (const fixture of ['node-web', 'python-flask', 'go-web', 'java-maven', 'ruby-sinatra', 'static-site']) {
      assert.deepEqual(await detect('php', fixtureDir(fixture)), { code: 1, stdout: '' }, fixture);
    }
  });
});

describe('the PHP buildpack compiles', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  it('an app\'s composer.lock into vendor/ with an optimized autoloader, served from public/ by PHP\'s built-in server', async () => {
    const run = await h.build('php-composer');
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('-----> PHP app detected'), run.output);
    assert.ok(run.lines.includes(`-----> Using PHP ${phpVersion} (the stack's)`), run.output);
    assert.ok(run.lines.includes('       Installing dependencies from lock file'), run.output);
    assert.ok(run.lines.includes('         - Installing berth/greeting (1.0.0): Mirroring from packages/greeting'), run.output);
    assert.ok(run.lines.includes('       Generating optimized autoload files'), run.output);
    assert.deepEqual(run.result?.processTypes, { web: 'php -S 0.0.0.0:$PORT -t public' });
    const slug = join(h.root, 'php-slug');
    await unpackSlug(h.blobs.path(run.result!.slug.key), slug);
    const page = execFileSync('php', ['public/index.php'], { cwd: slug, encoding: 'utf8', timeout: 10_000 });
    assert.equal(page, `php-composer ok: PHP ${phpVersion.split('.').slice(0, 2).join('.')}, berth/greeting 1.0.0\n`);
  });

  it('no app whose composer.json changed after composer.lock, showing Composer\'s message', async () => {
    const app = await appDir({}, 'php-composer');
    try {
      const manifest = JSON.parse(await readFile(join(app.dir, 'composer.json'), 'utf8')) as { require: Record<string, string> };
      manifest.require['ext-berth-nosuch'] = '*';
      await writeFile(join(app.dir, 'composer.json'), JSON.stringify(manifest, null, 4));
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.match(run.output, / {7}- The lock file is not up to date with the latest changes in composer\.json/);
      assert.ok(run.lines.includes(' !     composer.lock is not up to date with the latest changes in composer.json (Composer\'s message is above).'), run.output);
      assert.doesNotMatch(run.output, /Installing dependencies/);
    } finally {
      await app.remove();
    }
  });
});
