/**
 * Slugs: a gzip tar of the built app with every entry under `./app/` (Heroku's format), stored
 * in the blob store with its size and SHA-256. Unpacking lives in extract-archive.ts.
 */
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobInfo, BlobStore } from '../blobs/blob-store.js';
import { PlatformError } from '../core/errors.js';
import { inspectArchive, type ArchiveRules } from './inspect-archive.js';
import { runCommand } from './run-command.js';

export const MAX_SLUG_BYTES = 500 * 1024 * 1024;

/** Slugs: the app under ./app/ (the rest is ignored); absolute links may point into /app. */
export const SLUG_RULES: ArchiveRules = { kind: 'slug', root: 'app', absoluteLinkPrefix: '/app' };

export interface SlugRef extends BlobInfo {
  key: string;
}

/** Heroku-style sizes: 512B, 12K, 1.2M, 52M. */
export function formatSize(bytes: number): string {
  const k = 1024;
  const m = 1024 * 1024;
  if (bytes < k) return `${bytes}B`;
  if (bytes < m) return `${Math.round(bytes / k)}K`;
  if (bytes < 10 * m) return `${(bytes / m).toFixed(1)}M`;
  return `${Math.round(bytes / m)}M`;
}

export class SlugTooLargeError extends PlatformError {
  readonly size: number;
  readonly maxBytes: number;
  constructor(size: number, maxBytes: number) {
    super(
      'payload_too_large',
      `Compiled slug size ${formatSize(size)} is too large (max is ${formatSize(maxBytes)}). Remove unneeded files with .slugignore.`,
    );
    this.name = 'SlugTooLargeError';
    this.size = size;
    this.maxBytes = maxBytes;
  }
}

export interface PackSlugOptions {
  /** The built app (the build directory after compile). */
  appDir: string;
  blobs: BlobStore;
  key: string;
  /** Where the archive is written before it goes to the blob store. */
  tmpDir: string;
  maxBytes?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function packSlug(options: PackSlugOptions): Promise<SlugRef> {
  const max = options.maxBytes ?? MAX_SLUG_BYTES;
  const file = join(options.tmpDir, `slug-${randomBytes(6).toString('hex')}.tgz`);
  try {
    // Member names `.`, `./x` become `./app`, `./app/x`; hardlink targets too, symlink targets not (S).
    await runCommand(
      ['tar', '--create', '--gzip', '--file', file, '--directory', options.appDir, '--sort=name',
        '--owner=0', '--group=0', '--numeric-owner', '--transform=s,^\\.,./app,S', '.'],
      { timeoutMs: options.timeoutMs ?? 10 * 60_000, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const { size } = await stat(file);
    if (size > max) throw new SlugTooLargeError(size, max);
    // What a dyno host would refuse to unpack (a FIFO, a link out of /app) fails now, not at release.
    await inspectArchive(file, SLUG_RULES);
    const info = await options.blobs.put(options.key, { file }, { maxBytes: max, ...(options.signal ? { signal: options.signal } : {}) });
    return { key: options.key, ...info };
  } finally {
    await rm(file, { force: true });
  }
}
