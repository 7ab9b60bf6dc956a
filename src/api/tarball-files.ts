// Reading a few small files (app.json, Procfile) out of a source tarball (.tar.gz) without
// unpacking it: streamed through gunzip, tar headers parsed as they pass, memory bounded.
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

export interface TarballFilesOptions {
  /** A wanted file larger than this is an error. */
  maxFileBytes: number;
  /** Decompressed bytes scanned at most (a gzip bomb stops here). */
  maxScanBytes: number;
}

/**
 * The contents of `names` (e.g. `app.json`) at the tarball's root — or, as GitHub's tarballs
 * have it, inside its one top-level directory. Missing files are absent from the result.
 */
export async function readTarballFiles(source: Readable, names: string[], options: TarballFilesOptions): Promise<Map<string, string>> {
  const found = new Map<string, Map<string, string>>(); // top dir ('' = root) → name → text
  const topDirs = new Set<string>();
  let pending: Buffer = Buffer.alloc(0);
  let scanned = 0;
  let entry: { name: string; size: number; wanted: boolean; chunks: Buffer[]; left: number; pad: number } | undefined;
  let longName: string | undefined;
  const gunzip = source.pipe(createGunzip());
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    scanned += chunk.length;
    if (scanned > options.maxScanBytes) {
      gunzip.destroy();
      source.destroy();
      throw new Error(`the source tarball unpacks to more than ${options.maxScanBytes} bytes before its end`);
    }
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (entry) {
        const take = Math.min(entry.left, pending.length);
        if (entry.wanted || entry.name === '\0longname') entry.chunks.push(pending.subarray(0, take));
        entry.left -= take;
        pending = pending.subarray(take);
        if (entry.left > 0) break;
        if (pending.length < entry.pad) break;
        pending = pending.subarray(entry.pad);
        const data = Buffer.concat(entry.chunks);
        if (entry.name === '\0longname') longName = data.toString('utf8').replace(/\0.*$/s, '');
        else if (entry.wanted) record(found, entry.name, data.toString('utf8'));
        entry = undefined;
        continue;
      }
      if (pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((b) => b === 0)) continue;
      const size = parseInt(field(header, 124, 12) || '0', 8);
      const type = String.fromCharCode(header[156] ?? 48);
      const prefix = field(header, 345, 155);
      const rawName = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      longName = undefined;
      const name = rawName.replace(/^\.\//, '');
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (type === 'L') {
        entry = { name: '\0longname', size, wanted: false, chunks: [], left: size, pad };
        continue;
      }
      const top = name.split('/')[0] ?? '';
      // Every entry's first path component: one only (a directory) means GitHub-style nesting.
      if (top && type !== 'g' && type !== 'x') topDirs.add(top);
      const wanted = (type === '0' || type === '\0') && wantedName(name, names);
      if (wanted && size > options.maxFileBytes) throw new Error(`${name} in the source tarball is ${size} bytes; at most ${options.maxFileBytes} are read`);
      entry = { name, size, wanted, chunks: [], left: size, pad };
    }
  }
  const root = found.get('') ?? new Map<string, string>();
  if (root.size > 0 || topDirs.size !== 1) return root;
  return found.get([...topDirs][0] as string) ?? new Map();
}

function wantedName(name: string, names: string[]): boolean {
  const parts = name.split('/');
  const base = parts.at(-1) ?? '';
  return names.includes(base) && parts.length <= 2;
}

function record(found: Map<string, Map<string, string>>, name: string, text: string): void {
  const parts = name.split('/');
  const dir = parts.length === 2 ? (parts[0] as string) : '';
  const files = found.get(dir) ?? new Map<string, string>();
  files.set(parts.at(-1) as string, text);
  found.set(dir, files);
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return (end === -1 ? raw : raw.subarray(0, end)).toString('utf8').trim();
}
