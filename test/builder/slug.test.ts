import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { unpackSlug } from '../../src/builder/extract-archive.js';
import { formatSize, packSlug, SlugTooLargeError } from '../../src/builder/slug.js';
import { applySlugignore } from '../../src/builder/slugignore.js';

describe('slugs', () => {
  let dir: string;
  let blobs: LocalBlobStore;
  let app: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-slug-'));
    blobs = new LocalBlobStore(join(dir, 'blobs'));
    app = join(dir, 'build');
    await mkdir(join(app, '.profile.d'), { recursive: true });
    await mkdir(join(app, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(app, 'server.js'), 'console.log(1)\n');
    await writeFile(join(app, '.profile.d', 'x.sh'), 'export X=1\n');
    await writeFile(join(app, 'node_modules', 'tool.js'), 'tool\n');
    await symlink('../tool.js', join(app, 'node_modules', '.bin', 'tool'));
    await link(join(app, 'server.js'), join(app, 'server-copy.js'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('packs the app under ./app/ and reports the stored size and sha256', async () => {
    const slug = await packSlug({ appDir: app, blobs, key: 'slugs/one.tgz', tmpDir: dir });
    const stored = await readFile(blobs.path('slugs/one.tgz'));
    assert.equal(slug.size, stored.length);
    assert.equal(slug.sha256, createHash('sha256').update(stored).digest('hex'));
    const names = execFileSync('tar', ['-tzf', blobs.path('slugs/one.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.ok(names.every((n) => n === './app/' || n.startsWith('./app/')), names.join(', '));
    assert.ok(names.includes('./app/.profile.d/x.sh'));
    assert.ok(names.includes('./app/node_modules/.bin/tool'));
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('slug-')), [], 'no temporary archive left');
  });

  it('unpacks what it packed, links included', async () => {
    await packSlug({ appDir: app, blobs, key: 'slugs/two.tgz', tmpDir: dir });
    const out = join(dir, 'unpacked-two');
    await unpackSlug(blobs.path('slugs/two.tgz'), out);
    assert.equal(await readFile(join(out, 'server-copy.js'), 'utf8'), 'console.log(1)\n');
    assert.equal(await readlink(join(out, 'node_modules', '.bin', 'tool')), '../tool.js');
    assert.equal(await readFile(join(out, '.profile.d', 'x.sh'), 'utf8'), 'export X=1\n');
  });

  it('refuses a slug over the limit with the size, the limit and the fix', async () => {
    const big = join(dir, 'big');
    await mkdir(big);
    await writeFile(join(big, 'noise.bin'), randomBytes(3 * 1024 * 1024));
    await assert.rejects(packSlug({ appDir: big, blobs, key: 'slugs/big.tgz', tmpDir: dir, maxBytes: 1024 * 1024 }), (err: unknown) => {
      assert.ok(err instanceof SlugTooLargeError);
      assert.match(err.message, /^Compiled slug size 3\.0M is too large \(max is 1\.0M\)\. Remove unneeded files with \.slugignore\.$/);
      return true;
    });
    assert.equal(await blobs.exists('slugs/big.tgz'), false);
  });

  it('formats sizes as Heroku does', () => {
    assert.deepEqual([formatSize(900), formatSize(12 * 1024), formatSize(1.25 * 1024 * 1024), formatSize(612 * 1024 * 1024)], ['900B', '12K', '1.3M', '612M']);
  });
});

describe('.slugignore', () => {
  it('removes what it names before compile: names anywhere, anchored paths, directories, globs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-slugignore-'));
    try {
      const files = ['keep.js', 'docs/guide.md', 'src/docs/x.md', 'test/a.test.js', 'lib/test/b.js', 'big.psd', 'art/deep/c.psd', 'tmp', 'notes.txt', 'sub/notes.txt'];
      for (const f of files) {
        await mkdir(join(dir, f, '..'), { recursive: true });
        await writeFile(join(dir, f), f);
      }
      await writeFile(join(dir, '.slugignore'), '# comment\n\n*.psd\n/test\ndocs/\ntmp/\n/notes.txt\n!keep.js\n');
      const removed = (await applySlugignore(dir)).sort();
      assert.deepEqual(removed, ['art/deep/c.psd', 'big.psd', 'docs', 'notes.txt', 'src/docs', 'test']);
      const left = execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
      assert.deepEqual(left, ['./.slugignore', './keep.js', './lib/test/b.js', './sub/notes.txt', './tmp']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
