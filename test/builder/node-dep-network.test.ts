/**
 * The Node.js buildpack with a real dependency from the npm registry (the only network a build
 * may use). Optional: runs with BERTH_TEST_NPM=1, since the rest of the suite is offline.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { get, startWeb } from './app-process.js';
import { BuildHarness } from './build-harness.js';

const enabled = process.env.BERTH_TEST_NPM === '1';

describe('the Node.js buildpack with a dependency from the npm registry', { skip: enabled ? false : 'set BERTH_TEST_NPM=1 to run (needs registry.npmjs.org)' }, () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h?.cleanup());

  it('installs it with npm ci, keeps it in the slug and serves the cached copy on the next build', async () => {
    const first = await h.build('node-dep');
    assert.equal(first.error, undefined, first.output);
    const cached = await readdir(join(h.cacheDir(), 'npm', '_cacache'));
    assert.ok(cached.includes('index-v5'), 'the npm cache in CACHE_DIR holds the tarball');
    const app = join(h.root, 'node-dep-app');
    await unpackSlug(h.blobs.path(first.result!.slug.key), app);
    const web = await startWeb(app, 'npm start');
    try {
      assert.match((await get(web.port, '/')).body, /2 days is 172800000 ms/);
    } finally {
      await web.stop();
    }
    const second = await h.build('node-dep');
    assert.equal(second.error, undefined, second.output);
    assert.match(second.output, /Using the npm cache from the previous build/);
  });
});
