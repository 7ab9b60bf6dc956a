/**
 * Validates a tar.gz before anything is extracted: the same rules serve uploaded slugs and
 * source tarballs. Never trusts the archive: absolute names, `..`, devices and FIFOs, entries
 * below a symlink, symlinks resolving outside the root (following the archive's own symlinks,
 * as the kernel would) and hardlinks to anything but an earlier regular file are all refused.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { PlatformError } from '../core/errors.js';
import { readTarEntries, TarFormatError, type TarEntryType } from './tar-reader.js';

export interface ArchiveRules {
  /** What the archive is, for messages: 'slug' or 'source tarball'. */
  kind: string;
  /** The directory holding the result: 'app' for slugs; '' for the whole archive. */
  root: string;
  /** Sources: when every entry sits in one top directory (GitHub tarballs), use it as the root. */
  stripSingleTopDir?: boolean;
  /** Absolute symlink targets under this prefix ('/app' for slugs) stay inside the root. */
  absoluteLinkPrefix?: string;
  maxEntries?: number;
  /** Sum of regular-file sizes, whatever the compressed size (default 4 GiB). */
  maxUnpackedBytes?: number;
  /**
   * Unpacked bytes allowed per compressed byte (default 25), above a floor of 128 MiB: a gzip
   * bomb (1 MB that unpacks to 1 GB) is refused before anything is written.
   */
  maxExpansion?: number;
}

export const DEFAULT_MAX_UNPACKED_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_EXPANSION = 25;
export const EXPANSION_FLOOR_BYTES = 128 * 1024 ** 2;

/** The unpacked-size limit for an archive of `compressedBytes` under `rules`, and how to word it. */
export function unpackedLimit(compressedBytes: number, rules: Pick<ArchiveRules, 'maxUnpackedBytes' | 'maxExpansion'>): { bytes: number; why: string } {
  const absolute = rules.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const ratio = rules.maxExpansion ?? DEFAULT_MAX_EXPANSION;
  const proportional = Math.max(EXPANSION_FLOOR_BYTES, ratio * compressedBytes);
  return proportional < absolute
    ? { bytes: proportional, why: `${ratio} times its compressed size of ${compressedBytes} bytes (a gzip bomb?)` }
    : { bytes: absolute, why: 'the limit for any archive' };
}

export interface ArchivePlan {
  /** Directory inside the extracted tree that becomes the result ('' = the tree itself). */
  root: string;
  entries: number;
  unpackedBytes: number;
}

export class UnsafeArchiveError extends PlatformError {
  constructor(message: string) {
    super('invalid_params', message);
    this.name = 'UnsafeArchiveError';
  }
}

interface Item {
  segments: string[];
  type: TarEntryType;
  linkname: string;
  /** Shown in messages: the stored name, decoded as UTF-8. */
  shown: string;
}

const MAX_LINK_HOPS = 40;
const shownName = (latin1: string): string => JSON.stringify(Buffer.from(latin1, 'latin1').toString('utf8'));
const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '' && s !== '.');

export async function inspectArchive(file: string, rules: ArchiveRules): Promise<ArchivePlan> {
  const maxEntries = rules.maxEntries ?? 1_000_000;
  const limit = unpackedLimit((await stat(file)).size, rules);
  const maxBytes = limit.bytes;
  const reject = (why: string): never => {
    throw new UnsafeArchiveError(`The ${rules.kind} was rejected: ${why}`);
  };
  const items: Item[] = [];
  let unpackedBytes = 0;
  const gunzip = createGunzip();
  const input = createReadStream(file);
  const feeding = pipeline(input, gunzip).catch(() => undefined); // its errors surface through gunzip
  try {
    for await (const entry of readTarEntries(gunzip)) {
      const shown = shownName(entry.path);
      if (entry.path.startsWith('/')) reject(`entry ${shown} has an absolute path. Archive paths must be relative.`);
      const segments = segmentsOf(entry.path);
      if (segments.includes('..')) reject(`entry ${shown} contains "..". Archive paths must stay inside the archive.`);
      if (entry.type !== 'file' && entry.type !== 'directory' && entry.type !== 'symlink' && entry.type !== 'hardlink') {
        reject(`entry ${shown} is a ${entry.type}. Only files, directories and links are allowed.`);
      }
      if (segments.length === 0) {
        if (entry.type !== 'directory') reject(`entry ${shown} names the archive root but is not a directory.`);
        continue;
      }
      unpackedBytes += entry.size;
      if (unpackedBytes > maxBytes) reject(`it unpacks to more than ${maxBytes} bytes, ${limit.why}.`);
      if (items.length >= maxEntries) reject(`it has more than ${maxEntries} entries.`);
      items.push({ segments, type: entry.type, linkname: entry.linkname, shown });
    }
  } catch (err) {
    if (err instanceof UnsafeArchiveError) throw err;
    if (err instanceof TarFormatError) reject(err.message.replace(/^The archive/, 'the archive'));
    if (String((err as NodeJS.ErrnoException).code).startsWith('Z_')) {
      reject('it is not a valid gzip file (a corrupted or truncated upload?). Send a tar.gz.');
    }
    throw err;
  } finally {
    input.destroy();
    gunzip.destroy();
    await feeding;
  }
  if (items.length === 0) reject('it contains no files.');

  const root = chooseRoot(items, rules, reject);
  checkLinks(items, root, rules, reject);
  return { root: root.join('/'), entries: items.length, unpackedBytes };
}

function chooseRoot(items: Item[], rules: ArchiveRules, reject: (why: string) => never): string[] {
  let root = segmentsOf(rules.root);
  if (rules.stripSingleTopDir && root.length === 0) {
    const top = items[0]?.segments[0];
    const single = items.every((i) => i.segments[0] === top && (i.segments.length > 1 || i.type === 'directory'));
    if (top !== undefined && single && items.some((i) => i.segments.length > 1)) root = [top];
  }
  if (root.length > 0) {
    const under = items.filter((i) => startsWith(i.segments, root));
    if (under.length === 0) reject(`it has no ./${root.join('/')}/ directory. A slug is a tar.gz with the app under ./app/.`);
    for (const i of under) {
      if (i.segments.length === root.length && i.type !== 'directory') reject(`entry ${i.shown} must be a directory.`);
    }
  }
  return root;
}

const startsWith = (segments: string[], prefix: string[]): boolean =>
  segments.length >= prefix.length && prefix.every((s, i) => segments[i] === s);

function checkLinks(items: Item[], root: string[], rules: ArchiveRules, reject: (why: string) => never): void {
  const symlinks = new Map<string, string>();
  for (const i of items) {
    // The final state: a later entry replaces an earlier one at the same path.
    if (i.type === 'symlink') symlinks.set(i.segments.join('/'), i.linkname);
    else symlinks.delete(i.segments.join('/'));
  }
  const everSymlink = new Set(items.filter((i) => i.type === 'symlink').map((i) => i.segments.join('/')));

  const regularSoFar = new Set<string>();
  for (const item of items) {
    const key = item.segments.join('/');
    for (let n = 1; n < item.segments.length; n++) {
      if (everSymlink.has(item.segments.slice(0, n).join('/'))) {
        reject(`entry ${item.shown} lies below a symlink. Archives may not write through links.`);
      }
    }
    // Links inside the result must stay inside it; links elsewhere are discarded with the rest.
    const container = startsWith(item.segments, root) ? root : [];
    if (item.type === 'symlink') {
      if (item.segments.length === container.length) reject(`entry ${item.shown} must be a directory, not a symlink.`);
      resolveInside(item, container, symlinks, rules, reject);
    } else if (item.type === 'hardlink') {
      const shownTarget = shownName(item.linkname);
      if (item.linkname.startsWith('/') || segmentsOf(item.linkname).includes('..')) {
        reject(`entry ${item.shown} is a hardlink to ${shownTarget}, outside the archive.`);
      }
      const target = segmentsOf(item.linkname);
      if (!startsWith(target, container) || !regularSoFar.has(target.join('/'))) {
        reject(`entry ${item.shown} is a hardlink to ${shownTarget}, which is not an earlier file in the same tree.`);
      }
    }
    if (item.type === 'file' || item.type === 'hardlink') regularSoFar.add(key);
    else regularSoFar.delete(key);
  }
}

/** Resolves a symlink as the kernel would (following the archive's symlinks), inside `container`. */
function resolveInside(
  item: Item,
  container: string[],
  symlinks: Map<string, string>,
  rules: ArchiveRules,
  reject: (why: string) => never,
): void {
  const escape = (): never =>
    reject(`entry ${item.shown} is a symlink to ${shownName(item.linkname)}, which points outside ${container.length ? './' + container.join('/') : 'the archive'}.`);
  const stack = item.segments.slice(0, -1);
  const queue: string[] = [];
  let hops = 0;
  const enter = (target: string): void => {
    if (target.startsWith('/')) {
      const prefix = rules.absoluteLinkPrefix;
      if (!prefix || !(target === prefix || target.startsWith(prefix + '/'))) escape();
      stack.splice(0, stack.length, ...container);
      queue.unshift(...segmentsOf(target.slice(prefix!.length)));
    } else {
      queue.unshift(...segmentsOf(target));
    }
  };
  enter(item.linkname);
  while (queue.length > 0) {
    const s = queue.shift() as string;
    if (s === '..') {
      if (stack.length <= container.length) escape();
      stack.pop();
      continue;
    }
    stack.push(s);
    const link = symlinks.get(stack.join('/'));
    if (link !== undefined) {
      if (++hops > MAX_LINK_HOPS) reject(`entry ${item.shown} is part of a symlink loop.`);
      stack.pop();
      enter(link);
    }
  }
}
