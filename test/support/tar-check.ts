// A small, real tarball safety check for tests (the builder's validator is the production one):
// gunzips the whole stream, verifies every tar header checksum, and refuses absolute paths,
// `..` components and links that point outside the archive root.

import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;
const MAX_UNPACKED = 64 * 1024 * 1024;

async function gunzip(source: Readable): Promise<Buffer> {
  const gz = createGunzip();
  const chunks: Buffer[] = [];
  let size = 0;
  source.on('error', (err) => gz.destroy(err));
  source.pipe(gz);
  for await (const chunk of gz as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UNPACKED) throw new Error(`unpacks to more than ${MAX_UNPACKED} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const text = (block: Buffer, start: number, length: number) => block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
const octal = (block: Buffer, start: number, length: number) => parseInt(text(block, start, length).trim() || '0', 8);

function escapes(path: string): boolean {
  if (path.startsWith('/')) return true;
  return posix.normalize(path).split('/').includes('..');
}

/** Undefined when the .tgz is sound, else the reason. */
export async function tarballProblem(source: Readable): Promise<string | undefined> {
  let data: Buffer;
  try {
    data = await gunzip(source);
  } catch (err) {
    return `it is not a complete gzip file (${(err as Error).message})`;
  }
  let offset = 0;
  let longName: string | undefined;
  for (let entries = 0; entries < 100_000; entries++) {
    if (offset + BLOCK > data.length) return 'the tar archive is truncated';
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
    if (sum !== octal(header, 148, 8)) return `tar header ${entries + 1} has a bad checksum`;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] as number);
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    const body = offset + BLOCK;
    if (body + size > data.length) return `the tar archive is truncated inside ${name}`;
    if (type === 'L') {
      longName = data.subarray(body, body + size).toString('utf8').replace(/\0.*$/s, '');
    } else if (type !== 'x' && type !== 'g') {
      if (escapes(name)) return `the entry ${JSON.stringify(name)} points outside /app`;
      if (type === '1' || type === '2') {
        const target = text(header, 157, 100);
        const resolved = type === '2' ? posix.join(posix.dirname(name), target) : target;
        if (target.startsWith('/') || escapes(resolved)) return `the link ${JSON.stringify(name)} → ${JSON.stringify(target)} escapes /app`;
      }
    }
    offset = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  return 'the tar archive has too many entries';
}
