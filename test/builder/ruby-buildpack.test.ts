/**
 * The Ruby buildpack on the stack's Ruby and bundler, offline (gems from vendor/cache): bin/detect,
 * a Rack app installed in deployment mode with rackup as the web default, vendor/bundle restored
 * from the build cache, and the faults: a Gemfile changed without its lockfile, a gem that exists
 * nowhere, a native extension that does not compile (the compiler's error shown) and a Ruby
 * version the stack lacks. Pushed and served end to end in test/e2e/languages.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir, detect } from './buildpack-detect.js';

const rubyVersion = execFileSync('ruby', ['-e', 'print RUBY_VERSION'], { encoding: 'utf8' });

/** Adds `name (1.0)` to Gemfile.lock's specs and dependencies, as `bundle lock` would. */
async function lockGem(dir: string, name: string): Promise<void> {
  const lock = await readFile(join(dir, 'Gemfile.lock'), 'utf8');
  await writeFile(join(dir, 'Gemfile.lock'), lock.replace('  specs:\n', `  specs:\n    ${name} (1.0)\n`).replace('DEPENDENCIES\n', `DEPENDENCIES\n  ${name} (= 1.0)\n`));
  await appendFile(join(dir, 'Gemfile'), `gem "${name}", "1.0"\n`);
}

/** Packs a gem with a C extension that does not compile into DIR/vendor/cache. */
async function brokenNativeGem(dir: string): Promise<void> {
  const src = join(dir, 'gem-src');
  await mkdir(join(src, 'ext', 'broken'), { recursive: true });
  await writeFile(join(src, 'ext', 'broken', 'extconf.rb'), 'require "mkmf"\ncreate_makefile("broken")\n');
  await writeFile(join(src, 'ext', 'broken', 'broken.c'), '#include <ruby.h>\nvoid Init_broken(void) { this is not C; }\n');
  const build = 'require "rubygems/package"; s = Gem::Specification.new { |g| g.name = "broken-native"; g.version = "1.0"; g.summary = "x"; g.authors = ["berth"]; ' +
    'g.files = Dir["ext/**/*"]; g.extensions = ["ext/broken/extconf.rb"] }; File.rename(Gem::Package.build(s), ARGV[0])';
  execFileSync('ruby', ['-e', build, join(dir, 'vendor', 'cache', 'broken-native-1.0.gem')], { cwd: src, stdio: 'ignore', timeout: 30_000 });
  await lockGem(dir, 'broken-native');
}

describe('the Ruby buildpack detects', () => {
  it('a Gemfile as "Ruby", and declines other languages', async () => {
    assert.deepEqual(await detect('ruby', fixtureDir('ruby-sinatra')), { code: 0, stdout: 'Ruby\n' });
    for (const fixture of ['node-web', 'python-flask', 'go-web', 'java-maven', 'php-composer']) {
      assert.deepEqual(await detect('ruby', fixtureDir(fixture)), { code: 1, stdout: '' }, fixture);
    }
  });
});

describe('the Ruby buildpack compiles', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  it('a Sinatra app from vendor/cache into vendor/bundle with rackup as the web process, and restores vendor/bundle next time', async () => {
    const first = await h.build('ruby-sinatra');
    assert.equal(first.error, undefined, first.output);
    assert.ok(first.lines.includes('-----> Ruby app detected'), first.output);
    assert.ok(first.lines.includes(`-----> Using Ruby version: ruby-${rubyVersion} (the stack's; add \`ruby "${rubyVersion}"\` to the Gemfile to pin it)`), first.output);
    assert.ok(first.lines.includes('       Using the gems in vendor/cache'), first.output);
    assert.ok(first.lines.includes('       Installing rack 2.2.22'), first.output);
    assert.ok(first.lines.includes('       Installing webrick 1.8.1'), first.output);
    assert.ok(first.lines.includes('       Installing sinatra 3.0.5'), first.output);
    assert.equal(first.result?.processTypes.web, 'bundle exec rackup config.ru -p ${PORT:-5000}');
    assert.match(await readFile(join(first.sourceDir, '.bundle', 'config'), 'utf8'), /BUNDLE_DEPLOYMENT: "true"\nBUNDLE_PATH: "vendor\/bundle"/);
    // Its Rakefile defines assets:precompile: run, as on Heroku, in production.
    for (const line of ['-----> Detecting rake tasks', '-----> Precompiling assets', '       Running: rake assets:precompile', '       Asset precompilation completed']) {
      assert.ok(first.lines.includes(line), `${line}\n---\n${first.output}`);
    }
    assert.equal(await readFile(join(first.sourceDir, 'public', 'assets', 'app.css'), 'utf8'), 'body { color: #123456; } /* compiled for production */\n');

    const second = await h.build('ruby-sinatra');
    assert.equal(second.error, undefined, second.output);
    assert.ok(second.lines.includes('       Restoring vendor/bundle from the build cache'), second.output);
    assert.ok(second.lines.includes('       Using rack 2.2.22'), second.output);
  });

  /** Builds the ruby-sinatra fixture changed by `change`; the build must fail with `lines` in its output. */
  async function rejects(change: (dir: string) => Promise<void>, lines: Array<string | RegExp>): Promise<string> {
    const app = await appDir({}, 'ruby-sinatra');
    try {
      await change(app.dir);
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      for (const line of lines) {
        if (typeof line === 'string') assert.ok(run.lines.includes(line), `${line}\n---\n${run.output}`);
        else assert.match(run.output, line);
      }
      return run.output;
    } finally {
      await app.remove();
    }
  }

  it('no app whose Gemfile changed after Gemfile.lock, showing bundler\'s deployment-mode error', async () => {
    await rejects((dir) => appendFile(join(dir, 'Gemfile'), 'gem "json"\n'), [
      '       You are trying to install in deployment mode after changing',
      '       You have added to the Gemfile:',
      '       * json',
      ' !     Failed to install gems via Bundler (bundler\'s error is above).',
    ]);
  });

  it('no app locking a gem that exists in no source, naming it', async () => {
    await rejects((dir) => lockGem(dir, 'berth-no-such-gem'), ['       Could not find berth-no-such-gem-1.0 in any of the sources']);
  });

  it('no app whose native extension does not compile, showing the compiler\'s error', async () => {
    await rejects(brokenNativeGem, [
      /Gem::Ext::BuildError: ERROR: Failed to build gem native extension\./,
      /broken\.c:2:\d+: error: /,
      ' !     Failed to install gems via Bundler (bundler\'s error is above).',
    ]);
  });

  it('no app whose assets:precompile task fails, showing rake\'s error', async () => {
    await rejects((dir) => appendFile(join(dir, 'Rakefile'), 'Rake::Task["assets:precompile"].enhance { raise "the stylesheet has a syntax error" }\n'), [
      '       Running: rake assets:precompile',
      /the stylesheet has a syntax error/,
      ' !     Precompiling assets failed (rake\'s error is above).',
    ]);
  });

  it('no app whose Rakefile does not load, showing rake -P\'s error', async () => {
    await rejects((dir) => appendFile(join(dir, 'Rakefile'), 'require "berth_missing_library"\n'), [
      '-----> Detecting rake tasks',
      /cannot load such file -- berth_missing_library/,
      ' !     Could not detect rake tasks: `bundle exec rake -P` failed (its output is above). Make sure it runs against your app.',
    ]);
  });

  it('no app asking for a Ruby the stack lacks, naming the one it has', async () => {
    const output = await rejects(async (dir) => {
      const gemfile = await readFile(join(dir, 'Gemfile'), 'utf8');
      await writeFile(join(dir, 'Gemfile'), gemfile.replace('source "https://rubygems.org"\n', 'source "https://rubygems.org"\nruby "2.7.8"\n'));
    }, [' !     Gemfile asks for Ruby 2.7.8, which this stack does not have.', ` !     This stack has Ruby ${rubyVersion} only (Berth uses the stack's Ruby and never downloads another).`]);
    assert.doesNotMatch(output, /Installing dependencies/);
  });
});
