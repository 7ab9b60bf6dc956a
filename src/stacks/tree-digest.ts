/**
 * Digests of a directory tree, for verifying a stack image. `contentDigest` reads every file
 * (sha256 over each entry's path, type, mode, owner, size and content or link target): slow,
 * run after a build and whenever the quick check fails. `metadataStamp` only lstat()s every
 * entry (path, inode, mode, size, mtime and ctime, which no write, chmod or touch can keep
 * unchanged): fast enough for every start. A tree whose stamp matches the one recorded right
 * after its content was verified is taken as verified.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';

interface Entry {
  path: string;
  stats: Stats;
}

/** Every entry under root (root itself as ''), depth first, names in byte order. */
async function walk(root: string): Promise<Entry[]> {
  const out: Entry[] = [{ path: '', stats: await lstat(root) }];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    const names = (await readdir(join(root, rel))).sort();
    const children: Entry[] = await Promise.all(names.map(async (name) => {
      const path = rel ? `${rel}/${name}` : name;
      return { path, stats: await lstat(join(root, path)) };
    }));
    out.push(...children);
    for (const child of children.reverse()) if (child.stats.isDirectory()) pending.push(child.path);
  }
  return out;
}

function kind(s: Stats): string {
  if (s.isDirectory()) return 'd';
  if (s.isFile()) return 'f';
  if (s.isSymbolicLink()) return 'l';
  if (s.isCharacterDevice()) return 'c';
  if (s.isBlockDevice()) return 'b';
  if (s.isFIFO()) return 'p';
  return 's';
}

function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** sha256 of the whole tree's content; `progress` gets the fraction of bytes read so far.
 *  Files `regenerated(path)` names count by path, type, mode and owner only: caches a package's
 *  install script writes with the time in them, so two builds of the same packages differ there. */
export async function contentDigest(root: string, progress?: (fraction: number) => void, regenerated: (path: string) => boolean = () => false): Promise<string> {
  const entries = await walk(root);
  const total = entries.reduce((n, e) => n + (e.stats.isFile() ? e.stats.size : 0), 0);
  const parts: string[] = new Array<string>(entries.length);
  let done = 0;
  let next = 0;
  let reported = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < entries.length; i = next++) {
      const { path, stats } = entries[i] as Entry;
      let body = '';
      const derived = stats.isFile() && regenerated(path);
      if (stats.isFile() && !derived) body = await fileHash(join(root, path));
      else if (stats.isSymbolicLink()) body = await readlink(join(root, path));
      else if (stats.isCharacterDevice() || stats.isBlockDevice()) body = String(stats.rdev);
      parts[i] = `${kind(stats)} ${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid} ${stats.isFile() && !derived ? stats.size : 0} ${JSON.stringify(path)} ${derived ? 'regenerated' : body}\n`;
      if (stats.isFile()) {
        done += stats.size;
        if (progress && total > 0 && done - reported > total / 20) {
          reported = done;
          progress(done / total);
        }
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** sha256 over every entry's lstat() identity: changes when anything in the tree is written. */
export async function metadataStamp(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const { path, stats } of await walk(root)) {
    hash.update(`${JSON.stringify(path)} ${stats.ino} ${stats.mode} ${stats.uid}:${stats.gid} ${stats.size} ${stats.mtimeMs} ${stats.ctimeMs}\n`);
  }
  return hash.digest('hex');
}
