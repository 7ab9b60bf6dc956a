/**
 * A strict reader of tar headers (ustar, GNU long names, pax), used to inspect archives before
 * GNU tar extracts them. It never buffers file data, and it refuses whatever it does not fully
 * understand (sparse files, multi-volume, global path overrides, data on non-file entries), so
 * what it reports is what GNU tar will create. Names are decoded as latin1: one char per byte,
 * so comparisons are exact byte comparisons.
 */
import type { Readable } from 'node:stream';

export type TarEntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character-device'
  | 'block-device'
  | 'fifo';

export interface TarEntry {
  /** The member name exactly as stored (latin1-decoded bytes). */
  path: string;
  type: TarEntryType;
  /** Symlink target or hardlink member name; '' for other types. */
  linkname: string;
  size: number;
  mode: number;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

export interface TarReaderLimits {
  /** Largest pax or GNU long-name record accepted (bytes). */
  maxMetaBytes?: number;
}

const BLOCK = 512;
const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'character-device', '4': 'block-device', '5': 'directory', '6': 'fifo',
};

/** Pulls exact byte counts out of an async stream of chunks. */
class ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  constructor(input: AsyncIterable<Buffer> | Iterable<Buffer>) {
    this.iterator = Symbol.asyncIterator in input
      ? input[Symbol.asyncIterator]()
      : (async function* () {
          yield* input;
        })();
  }
  private async fill(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
    return true;
  }
  /** Exactly n bytes; null at a clean end of input before the first byte; throws when cut short. */
  async read(n: number): Promise<Buffer | null> {
    while (this.pending.length < n) {
      if (!(await this.fill())) {
        if (this.pending.length === 0) return null;
        throw new TarFormatError('The archive is truncated: it ends in the middle of an entry.');
      }
    }
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return out;
  }
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0 && !(await this.fill())) {
        throw new TarFormatError('The archive is truncated: it ends in the middle of a file.');
      }
      const take = Math.min(left, this.pending.length);
      this.pending = this.pending.subarray(take);
      left -= take;
    }
  }
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

const cString = (buf: Buffer): string => {
  const end = buf.indexOf(0);
  return buf.subarray(0, end === -1 ? buf.length : end).toString('latin1');
};

function number(field: Buffer, what: string): number {
  if (field[0] !== undefined && field[0] & 0x80) {
    // GNU base-256: big-endian, first byte's high bit set. Negative values are refused.
    if (field[0] & 0x40) throw new TarFormatError(`The archive has a negative ${what}.`);
    let value = field[0] & 0x3f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`The archive has an oversized ${what}.`);
    return value;
  }
  const text = cString(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`The archive has a malformed ${what} field: not a tar archive, or corrupted.`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = number(header.subarray(148, 156), 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Parses pax records (`LEN key=value\n`). */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    const len = space === -1 ? NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TarFormatError('The archive has a malformed pax extended header.');
    }
    const record = data.subarray(space + 1, pos + len - 1).toString('latin1');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarFormatError('The archive has a malformed pax extended header.');
    records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return records;
}

const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

/**
 * Yields every entry of an uncompressed tar stream, in order, stopping at the first zero block
 * (as GNU tar does). Throws TarFormatError on anything malformed or unsupported.
 */
export async function* readTarEntries(
  input: AsyncIterable<Buffer> | Iterable<Buffer> | Readable,
  limits: TarReaderLimits = {},
): AsyncGenerator<TarEntry> {
  const maxMeta = limits.maxMetaBytes ?? 1024 * 1024;
  const source = new ByteSource(input as AsyncIterable<Buffer> | Iterable<Buffer>);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;
  try {
    for (let first = true; ; first = false) {
      const header = await source.read(BLOCK);
      if (header === null) {
        if (first) throw new TarFormatError('The archive is empty.');
        if (longName !== undefined || longLink !== undefined || pax !== undefined) {
          throw new TarFormatError('The archive is truncated: it ends after an extended header.');
        }
        return;
      }
      if (header.every((b) => b === 0)) return;
      if (!checksumOk(header)) throw new TarFormatError('The archive has a bad header checksum: not a tar archive, or corrupted.');

      const flag = String.fromCharCode(header[156] as number);
      let size = number(header.subarray(124, 136), 'size');
      const ustar = header.subarray(257, 263).toString('latin1') === 'ustar\0';

      if (flag === 'L' || flag === 'K' || flag === 'x') {
        if (size > maxMeta) throw new TarFormatError(`The archive has an extended header of ${size} bytes (limit ${maxMeta}).`);
        const data = (await source.read(padded(size))) ?? Buffer.alloc(0);
        if (data.length < size) throw new TarFormatError('The archive is truncated: it ends in an extended header.');
        const body = data.subarray(0, size);
        if (flag === 'L') longName = cString(body);
        else if (flag === 'K') longLink = cString(body);
        else pax = paxRecords(body);
        continue;
      }
      if (flag === 'g') {
        if (size > maxMeta) throw new TarFormatError(`The archive has a global header of ${size} bytes (limit ${maxMeta}).`);
        const global = paxRecords(((await source.read(padded(size))) ?? Buffer.alloc(0)).subarray(0, size));
        for (const key of global.keys()) {
          if (key === 'path' || key === 'linkpath' || key === 'size' || key.startsWith('GNU.sparse')) {
            throw new TarFormatError(`The archive's global pax header sets ${key}, which Berth does not accept.`);
          }
        }
        continue;
      }
      const type = TYPES[flag];
      if (type === undefined) {
        throw new TarFormatError(`The archive has an entry of unsupported type ${JSON.stringify(flag)} (sparse, multi-volume or vendor-specific).`);
      }

      let path = cString(header.subarray(0, 100));
      if (ustar) {
        const prefix = cString(header.subarray(345, 500));
        if (prefix !== '') path = `${prefix}/${path}`;
      }
      let linkname = cString(header.subarray(157, 257));
      if (longName !== undefined) path = longName;
      if (longLink !== undefined) linkname = longLink;
      if (pax !== undefined) {
        for (const key of pax.keys()) {
          if (key.startsWith('GNU.sparse')) throw new TarFormatError('The archive has sparse files, which Berth does not accept.');
        }
        path = pax.get('path') ?? path;
        linkname = pax.get('linkpath') ?? linkname;
        const paxSize = pax.get('size');
        if (paxSize !== undefined) {
          if (!/^[0-9]+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) throw new TarFormatError('The archive has a malformed pax size.');
          size = Number(paxSize);
        }
      }
      longName = longLink = pax = undefined;

      if (path === '' || path.includes('\0') || linkname.includes('\0')) throw new TarFormatError('The archive has an entry with an empty or malformed name.');
      if (type !== 'file' && size !== 0) {
        throw new TarFormatError(`The archive entry ${JSON.stringify(path)} is a ${type} that carries data, which Berth does not accept.`);
      }
      // Old archives mark directories as files whose name ends in '/'; GNU tar treats them so.
      const entryType: TarEntryType = type === 'file' && path.endsWith('/') ? 'directory' : type;
      yield { path, type: entryType, linkname: type === 'symlink' || type === 'hardlink' ? linkname : '', size, mode: number(header.subarray(100, 108), 'mode') };
      await source.skip(padded(size));
    }
  } finally {
    await source.close();
  }
}
