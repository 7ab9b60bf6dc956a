/**
 * The contract every BlobStore adapter passes. An adapter's test file calls this with a factory
 * that returns a fresh, empty store and a cleanup function.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import {
  BlobNotFoundError,
  BlobExistsError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  type BlobStore,
} from '../../src/blobs/blob-store.js';

export interface BlobStoreHarness {
  store: BlobStore;
  /** A local file with the given content, for put({ file }). */
  writeFile(content: string): Promise<string>;
  cleanup(): Promise<void>;
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export function blobStoreContract(name: string, create: () => Promise<BlobStoreHarness>): void {
  describe(`${name} (blob store contract)`, () => {
    let h: BlobStoreHarness;
    before(async () => {
      h = await create();
    });
    after(async () => h.cleanup());

    it('stores a stream and reports its size and sha256', async () => {
      const info = await h.store.put('slugs/a.tgz', Readable.from(['hello ', 'world']));
      assert.deepEqual(info, { size: 11, sha256: sha('hello world') });
      assert.equal(await text(await h.store.get('slugs/a.tgz')), 'hello world');
      assert.deepEqual(await h.store.stat('slugs/a.tgz'), { size: 11 });
      assert.equal(await h.store.exists('slugs/a.tgz'), true);
    });

    it('stores a local file without moving it', async () => {
      const file = await h.writeFile('from a file');
      const info = await h.store.put('sources/b.tgz', { file });
      assert.deepEqual(info, { size: 11, sha256: sha('from a file') });
      assert.equal(await text(await h.store.get('sources/b.tgz')), 'from a file');
      assert.equal(await text(Readable.from([await (await import('node:fs/promises')).readFile(file)])), 'from a file');
    });

    it('stores an empty blob', async () => {
      assert.deepEqual(await h.store.put('empty', Readable.from([])), { size: 0, sha256: sha('') });
      assert.equal(await text(await h.store.get('empty')), '');
    });

    it('replaces a blob whole when the same key is put again', async () => {
      await h.store.put('slugs/r.tgz', Readable.from(['first version']));
      await h.store.put('slugs/r.tgz', Readable.from(['v2']));
      assert.equal(await text(await h.store.get('slugs/r.tgz')), 'v2');
    });

    it('writes an exclusive blob once: a second exclusive put is refused and changes nothing', async () => {
      await h.store.put('slugs/once.tgz', Readable.from(['first']), { exclusive: true });
      await assert.rejects(h.store.put('slugs/once.tgz', Readable.from(['second']), { exclusive: true }), BlobExistsError);
      assert.equal(await text(await h.store.get('slugs/once.tgz')), 'first');
    });

    it('lets exactly one of two concurrent exclusive puts win, and shows only its bytes', async () => {
      const slow = (chunk: string) => Readable.from((async function* () {
        for (let i = 0; i < 20; i++) {
          yield Buffer.from(chunk.repeat(4096));
          await new Promise((resolve) => setImmediate(resolve));
        }
      })());
      const results = await Promise.allSettled([
        h.store.put('slugs/race.tgz', slow('a'), { exclusive: true }),
        h.store.put('slugs/race.tgz', slow('b'), { exclusive: true }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.ok(lost[0]?.reason instanceof BlobExistsError);
      const stored = await text(await h.store.get('slugs/race.tgz'));
      assert.equal(stored, (results[0]?.status === 'fulfilled' ? 'a' : 'b').repeat(4096 * 20));
    });

    it('refuses content over maxBytes and keeps nothing (nor the old blob changed)', async () => {
      await h.store.put('slugs/limit.tgz', Readable.from(['old']));
      const big = Readable.from([Buffer.alloc(4096, 1), Buffer.alloc(4096, 2)]);
      await assert.rejects(h.store.put('slugs/limit.tgz', big, { maxBytes: 5000 }), BlobTooLargeError);
      assert.equal(await text(await h.store.get('slugs/limit.tgz')), 'old');
      await assert.rejects(h.store.put('slugs/never.tgz', Readable.from([Buffer.alloc(10)]), { maxBytes: 9 }), BlobTooLargeError);
      assert.equal(await h.store.exists('slugs/never.tgz'), false);
    });

    it('keeps nothing when the source stream fails midway', async () => {
      const failing = new Readable({
        read() {
          this.push(Buffer.from('partial'));
          this.destroy(new Error('connection reset'));
        },
      });
      await assert.rejects(h.store.put('sources/broken.tgz', failing), /connection reset/);
      assert.equal(await h.store.exists('sources/broken.tgz'), false);
    });

    it('answers BlobNotFoundError, undefined and false for a missing key', async () => {
      await assert.rejects(h.store.get('slugs/missing.tgz'), BlobNotFoundError);
      assert.equal(await h.store.stat('slugs/missing.tgz'), undefined);
      assert.equal(await h.store.exists('slugs/missing.tgz'), false);
    });

    it('deletes idempotently', async () => {
      await h.store.put('slugs/d.tgz', Readable.from(['x']));
      assert.equal(await h.store.delete('slugs/d.tgz'), true);
      assert.equal(await h.store.delete('slugs/d.tgz'), false);
      assert.equal(await h.store.exists('slugs/d.tgz'), false);
    });

    it('treats a key prefix as no blob', async () => {
      await h.store.put('dir/inner', Readable.from(['x']));
      assert.equal(await h.store.exists('dir'), false);
      await assert.rejects(h.store.get('dir'), BlobNotFoundError);
    });

    for (const bad of ['', '../etc/passwd', '/abs', 'a/../b', 'a//b', 'a/./b', '.tmp/x', 'a/', 'sp ace', 'x\0y', 'a\\b', 'x'.repeat(513)]) {
      it(`rejects the key ${JSON.stringify(bad.length > 40 ? bad.slice(0, 10) + '…' : bad)} on every operation`, async () => {
        await assert.rejects(h.store.put(bad, Readable.from(['x'])), InvalidBlobKeyError);
        await assert.rejects(h.store.get(bad), InvalidBlobKeyError);
        await assert.rejects(h.store.stat(bad), InvalidBlobKeyError);
        await assert.rejects(h.store.exists(bad), InvalidBlobKeyError);
        await assert.rejects(h.store.delete(bad), InvalidBlobKeyError);
      });
    }
  });
}
