/**
 * The dashboard's files in memory: each with its ETag and its brotli and gzip forms, taken from
 * precompressed `.br` / `.gz` files beside it when the build made them, else compressed once on
 * first use. Entries are checked against the file's size and mtime at every use (a rebuild is
 * seen at once) and the cache is bounded in bytes (least recently used out first); a file too
 * big to keep is served as it is, uncompressed.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { assetType } from './asset-types.js';
import type { Encoding } from '../core/content-encoding.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Files under this size are not worth compressing. */
const MIN_COMPRESS_BYTES = 512;

export interface Asset {
  type: string;
  /** The strong ETag of the identity form; encoded forms add `-br` / `-gz`. */
  etag: string;
  body: Buffer;
  encoded: Partial<Record<Encoding, Buffer>>;
}

interface Entry {
  asset: Asset;
  size: number;
  mtimeMs: number;
  bytes: number;
}

export class AssetCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly limits = { totalBytes: 64 * 1024 * 1024, fileBytes: 16 * 1024 * 1024 }) {}

  /** The file at `path` (a regular file), or undefined when there is none. */
  async get(path: string): Promise<Asset | undefined> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const cached = this.entries.get(path);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) {
      this.entries.delete(path);
      this.entries.set(path, cached);
      return cached.asset;
    }
    if (cached) this.forget(path, cached);
    const body = await readFile(path);
    const { type, compress } = assetType(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    if (info.size > this.limits.fileBytes) return { type, etag, body, encoded: {} };
    const encoded: Asset['encoded'] = {};
    if (compress && body.length >= MIN_COMPRESS_BYTES) {
      const br = (await readFile(`${path}.br`).catch(() => undefined)) ?? (await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
      const gz = (await readFile(`${path}.gz`).catch(() => undefined)) ?? (await gzipAsync(body, { level: 9 }));
      if (br.length < body.length) encoded.br = br;
      if (gz.length < body.length) encoded.gzip = gz;
    }
    const asset = { type, etag, body, encoded };
    const bytes = body.length + (encoded.br?.length ?? 0) + (encoded.gzip?.length ?? 0);
    this.entries.set(path, { asset, size: info.size, mtimeMs: info.mtimeMs, bytes });
    this.bytes += bytes;
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.limits.totalBytes) break;
      this.forget(key, entry);
    }
    return asset;
  }

  private forget(path: string, entry: Entry): void {
    this.entries.delete(path);
    this.bytes -= entry.bytes;
  }
}
