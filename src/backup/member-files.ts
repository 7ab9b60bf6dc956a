/**
 * The files of a backup: walks the members' directories (regular files only, sorted) and
 * hashes each one, streaming, so a slug of any size costs constant memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupMember } from './backup-manifest.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Relative paths of every regular file under `root/rel` (or `rel` itself when it is a file); missing: none. */
export async function listFiles(root: string, rel: string): Promise<string[]> {
  const info = await lstat(join(root, rel)).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [rel];
  if (!info.isDirectory()) return [];
  const out: string[] = [];
  const names = (await readdir(join(root, rel))).sort();
  for (const name of names) out.push(...(await listFiles(root, `${rel}/${name}`)));
  return out;
}

/** Relative paths of every directory under `root/rel`, `rel` included (git needs its empty refs/ and objects/). */
export async function listDirs(root: string, rel: string): Promise<string[]> {
  const info = await lstat(join(root, rel)).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  const out = [rel];
  for (const name of (await readdir(join(root, rel))).sort()) out.push(...(await listDirs(root, `${rel}/${name}`)));
  return out;
}

/** Size, mode and sha256 of each file under `root`. */
export async function describeMembers(root: string, paths: readonly string[]): Promise<BackupMember[]> {
  const members: BackupMember[] = [];
  for (const path of paths) {
    const info = await lstat(join(root, path));
    members.push({ path, bytes: info.size, sha256: await sha256File(join(root, path)), mode: info.mode & 0o7777 });
  }
  return members;
}
