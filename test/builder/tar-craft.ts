/**
 * Crafts tar archives byte by byte, including the malicious ones GNU tar would never write:
 * absolute names, `..`, devices, links pointing anywhere.
 */
import { gzipSync } from 'node:zlib';

export interface CraftEntry {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'fifo' | 'pax' | 'longname';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  /** Size field override (e.g. data on a symlink). */
  size?: number;
}

const FLAGS = { file: '0', dir: '5', symlink: '2', hardlink: '1', chardev: '3', fifo: '6', pax: 'x', longname: 'L' } as const;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function header(entry: CraftEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(entry.name.slice(0, 100), 0, 'latin1');
  h.write(octal(entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644), 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(1700000000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(FLAGS[entry.type ?? 'file'], 156, 'latin1');
  h.write((entry.linkname ?? '').slice(0, 100), 157, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

export function tar(entries: CraftEntry[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.content ?? '');
    parts.push(header(entry, entry.size ?? data.length));
    if (data.length) parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const tgz = (entries: CraftEntry[], options: { end?: boolean } = {}): Buffer => gzipSync(tar(entries, options));

/** A pax extended header record set (`LEN key=value\n` each). */
export function paxData(records: Record<string, string>): string {
  return Object.entries(records)
    .map(([k, v]) => {
      const body = ` ${k}=${v}\n`;
      let len = body.length + 1;
      while (String(len).length + body.length !== len) len = String(len).length + body.length;
      return `${len}${body}`;
    })
    .join('');
}
