/**
 * Two language markers in one repo: with no buildpacks set, the first built-in in the documented
 * order (BUILTIN_BUILDPACKS, buildpacks/README.md) builds it alone; with two set, as
 * `buildpacks:add` makes them, both compile in the order given.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { BUILTIN_BUILDPACKS } from '../../src/core/builtin-buildpacks.js';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir } from './buildpack-detect.js';

describe('an app with a Gemfile and composer.json', () => {
  let h: BuildHarness;
  let app: { dir: string; remove(): Promise<void> };
  before(async () => {
    h = await BuildHarness.create();
    app = await appDir({}, 'ruby-sinatra');
    await cp(fixtureDir('php-composer'), app.dir, { recursive: true });
  });
  after(async () => {
    await app.remove();
    await h.cleanup();
  });

  it('is built by Ruby alone when it sets no buildpacks, since Ruby comes before PHP in the detection order', async () => {
    assert.ok(BUILTIN_BUILDPACKS.indexOf('ruby') < BUILTIN_BUILDPACKS.indexOf('php'));
    const run = await h.build(app.dir);
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('-----> Using buildpack: heroku/ruby'), run.output);
    assert.ok(run.lines.includes('-----> Ruby app detected'), run.output);
    assert.doesNotMatch(run.output, /PHP app detected/);
    assert.deepEqual(run.result?.buildpacks, ['heroku/ruby']);
  });

  it('is built by both, in order, when both are set, and takes the last one\'s web default', async () => {
    const run = await h.build(app.dir, { buildpacks: ['heroku/ruby', 'heroku/php'] });
    assert.equal(run.error, undefined, run.output);
    const ruby = run.lines.indexOf('-----> Ruby app detected');
    const php = run.lines.indexOf('-----> PHP app detected');
    assert.ok(ruby !== -1 && php > ruby, run.output);
    assert.deepEqual(run.result?.buildpacks, ['heroku/ruby', 'heroku/php']);
    assert.equal(run.result?.processTypes.web, 'php -S 0.0.0.0:$PORT -t public');
  });
});
