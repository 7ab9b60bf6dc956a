/**
 * The local-directory blob store: `ROOT/<key>`, written as `ROOT/.tmp/<random>` then renamed,
 * so a crash never leaves a half-written blob under a key. `.tmp` can't collide with a key
 * (key segments start with a letter or digit).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobExistsError,
  BlobNotFoundError,
  BlobTooLargeError,
  validateBlobKey,
  type BlobInfo,
  type BlobSource,
  type BlobStore,
  type PutOptions,
} from './blob-store.js';

export class LocalBlobStore implements BlobStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  path(key: string): string {
    return join(this.root, validateBlobKey(key));
  }

  async put(key: string, source: BlobSource, options: PutOptions = {}): Promise<BlobInfo> {
    const target = this.path(key);
    const tmpDir = join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new BlobTooLargeError(key, max));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const input = 'file' in source ? createReadStream(source.file) : source;
    try {
      const out = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
      await pipeline(input, meter, out, options.signal ? { signal: options.signal } : {});
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      if (options.exclusive) {
        // link(2) never replaces: the first writer to finish owns the key.
        await link(tmp, target).catch((err: NodeJS.ErrnoException) => {
          throw err.code === 'EEXIST' ? new BlobExistsError(key) : err;
        });
        await unlink(tmp);
      } else {
        await rename(tmp, target);
      }
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { size, sha256: hash.digest('hex') };
  }

  /** An exclusive put that answers undefined instead of BlobExistsError. */
  async putOnce(key: string, source: BlobSource, options: Omit<PutOptions, 'exclusive'> = {}): Promise<BlobInfo | undefined> {
    try {
      return await this.put(key, source, { ...options, exclusive: true });
    } catch (err) {
      if (err instanceof BlobExistsError) return undefined;
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.path(key);
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'ENOTDIR' ? new BlobNotFoundError(key) : err;
    });
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new BlobNotFoundError(key);
    }
    return handle.createReadStream();
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const info = await stat(this.path(key));
      return info.isFile() ? { size: info.size } : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    if (!(await this.exists(key))) return false;
    try {
      await unlink(this.path(key));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
