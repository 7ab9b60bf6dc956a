// A build's source_blob.url download: a tenant URL, so it goes through the egress guard.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { EgressGuard } from '../egress/egress-guard.js';
import { guardedGet } from '../egress/guarded-get.js';

export interface DownloadOptions {
  egress: EgressGuard;
  /** A larger tarball fails the download. */
  maxBytes: number;
  timeoutMs?: number;
}

/**
 * Downloads `url` (http or https, up to 5 redirects, each hop checked when it connects) to
 * `path`. A refused address fails with "refused by policy" before any connection is made; errors
 * show the URL without its query (signed URLs carry tokens there).
 */
export async function downloadSource(url: string, path: string, options: DownloadOptions): Promise<void> {
  if (!/^https?:\/\//.test(url)) throw new Error(`source_blob.url must be an http(s) URL, not ${JSON.stringify(url)}`);
  const shown = withoutQuery(url);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000);
  const response = await guardedGet(url, options.egress, { maxRedirects: 5, signal }).catch((err: unknown) => {
    throw new Error(`Could not download the source from ${shown}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    throw new Error(`Could not download the source from ${shown}: HTTP ${status}`);
  }
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxBytes) response.destroy(new Error(`The source tarball is larger than ${options.maxBytes} bytes.`));
  });
  await pipeline(response, createWriteStream(path));
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}
