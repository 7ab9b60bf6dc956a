import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { blobStoreContract } from './blob-store-contract.js';

blobStoreContract('LocalBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-blobs-'));
  let n = 0;
  return {
    store: new LocalBlobStore(join(dir, 'blobs')),
    writeFile: async (content) => {
      const file = join(dir, `input-${n++}`);
      await writeFile(file, content);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LocalBlobStore', () => {
  it('keeps each blob as a plain file under its key and leaves no temporary files behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-blobs-'));
    try {
      const store = new LocalBlobStore(dir);
      await store.put('slugs/x.tgz', Readable.from(['abc']));
      await assert.rejects(store.put('slugs/y.tgz', Readable.from([Buffer.alloc(100)]), { maxBytes: 10 }));
      assert.equal(store.path('slugs/x.tgz'), join(dir, 'slugs', 'x.tgz'));
      assert.deepEqual(await readdir(join(dir, '.tmp')), []);
      assert.deepEqual(await readdir(join(dir, 'slugs')), ['x.tgz']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
