/**
 * The blob store port: slugs, source tarballs and other large immutable files, addressed by
 * key (`slugs/<id>.tgz`, `sources/<id>.tgz`). The local-directory adapter is the default; an
 * S3-compatible adapter can implement the same small interface and pass the same contract suite
 * (test/blobs/blob-store-contract.ts).
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
}

/** What to store: a stream, or a file on this host (read, never moved). */
export type BlobSource = Readable | { file: string };

export interface PutOptions {
  /** Refuse content over this many bytes (BlobTooLargeError); nothing is stored. */
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * Write once: when the key already holds a blob, reject with BlobExistsError and store nothing.
   * Of two concurrent exclusive puts exactly one wins, and the loser's bytes never become visible.
   */
  exclusive?: boolean;
}

export interface BlobStore {
  /** Stores `source` under `key` atomically: readers see the old blob or the whole new one. */
  put(key: string, source: BlobSource, options?: PutOptions): Promise<BlobInfo>;
  /** A stream of the blob; rejects with BlobNotFoundError when the key holds nothing. */
  get(key: string): Promise<Readable>;
  /** Size of the blob, or undefined when missing. */
  stat(key: string): Promise<{ size: number } | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; true when something was removed. Idempotent. */
  delete(key: string): Promise<boolean>;
  /** A local file holding the blob, when the adapter has one (lets tar read it directly). */
  path?(key: string): string;
}

/** Keys: `/`-separated segments of letters, digits, `.`, `_`, `-`, each starting with a letter or digit. */
export const BLOB_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const BLOB_KEY_MAX_LENGTH = 512;

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(
      `Blob key ${JSON.stringify(key)} is invalid: use /-separated segments of letters, digits, ., _ and -, ` +
        `each starting with a letter or digit, at most ${BLOB_KEY_MAX_LENGTH} characters.`,
    );
    this.name = 'InvalidBlobKeyError';
  }
}

export class BlobNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`No blob is stored under ${key}.`);
    this.name = 'BlobNotFoundError';
    this.key = key;
  }
}

export class BlobExistsError extends Error {
  constructor(key: string) {
    super(`A blob is already stored under ${key}, and it is written only once; nothing was changed.`);
    this.name = 'BlobExistsError';
  }
}

export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(key: string, maxBytes: number) {
    super(`The blob for ${key} is over the limit of ${maxBytes} bytes; nothing was stored.`);
    this.name = 'BlobTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export function validateBlobKey(key: unknown): string {
  if (typeof key !== 'string' || key.length > BLOB_KEY_MAX_LENGTH || !BLOB_KEY_PATTERN.test(key)) {
    throw new InvalidBlobKeyError(String(key));
  }
  return key;
}
