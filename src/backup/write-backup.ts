/**
 * `berth admin:backup`: one consistent archive of a Berth install, safe while Berth runs.
 *
 * The state goes first (SQLite's online backup API, or pg_dump), then the blobs, CA, admin key,
 * git repositories and SSH host keys are hard-linked (copied across file systems) into a staging dir inside
 * the data dir: every blob a release in the state points at was written before that release, and
 * Berth replaces files by rename, so the links are a stable snapshot. The manifest records the
 * sha256 of each staged file; tar writes `FILE.partial` and a rename makes it `FILE`.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError } from './backup-error.js';
import { BACKUP_FORMAT_VERSION, type BackupManifest } from './backup-manifest.js';
import { describeMembers, listDirs, listFiles } from './member-files.js';
import { runTool } from './run-tool.js';

/** The parts of a data dir a backup carries, besides the state. */
export const BACKUP_PARTS = ['admin.key', 'tls', 'blobs', 'repos', 'ssh'] as const;

/** Uploads in flight stay out, and of ssh/ only the host keys (its config and pid are rewritten at start). */
function carried(rel: string): boolean {
  if (rel === 'blobs/.tmp' || rel.startsWith('blobs/.tmp/')) return false;
  if (rel.startsWith('ssh/')) return /^ssh\/ssh_host_[a-z0-9]+_key(\.pub)?$/.test(rel);
  return true;
}

export interface BackupOptions {
  dataDir: string;
  file: string;
  /** The state is in PostgreSQL here (pg_dump); otherwise `state.sqlite` in the data dir. */
  databaseUrl?: string;
  berthVersion: string;
  berthCommit: string;
  now?: Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

async function stageFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // removed since the walk (a pruned slug, a finished upload)
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
    await copyFile(from, to);
  }
}

async function caFingerprint(staging: string): Promise<string | null> {
  const pem = await readFile(join(staging, 'tls', 'ca.crt'), 'utf8').catch(() => undefined);
  return pem === undefined ? null : new X509Certificate(pem).fingerprint256;
}

async function stageState(options: BackupOptions, staging: string): Promise<'sqlite' | 'postgres'> {
  if (options.databaseUrl) {
    await runTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${join(staging, 'state.pgdump')}`, `--dbname=${options.databaseUrl}`]);
    return 'postgres';
  }
  const source = join(options.dataDir, 'state.sqlite');
  if (!(await stat(source).catch(() => undefined))) {
    throw new BackupError('bad_arguments', `${options.dataDir} holds no state.sqlite: not a Berth data dir (or its state is in PostgreSQL: give --database-url).`);
  }
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(join(staging, 'state.sqlite'));
  } finally {
    db.close();
  }
  return 'sqlite';
}

export async function writeBackup(options: BackupOptions): Promise<BackupResult> {
  const info = await stat(options.dataDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new BackupError('bad_arguments', `The data dir ${options.dataDir} does not exist.`);
  const staging = await mkdtemp(join(options.dataDir, '.backup-'));
  const partial = `${options.file}.partial`;
  try {
    const state = await stageState(options, staging);
    const dirs: string[] = [];
    for (const part of BACKUP_PARTS) {
      for (const rel of await listDirs(options.dataDir, part)) {
        if (!carried(rel)) continue;
        dirs.push(rel);
        await mkdir(join(staging, rel), { recursive: true });
      }
      for (const rel of await listFiles(options.dataDir, part)) {
        if (!carried(rel)) continue;
        await stageFile(join(options.dataDir, rel), join(staging, rel));
      }
    }
    const entries = (await readdir(staging)).sort();
    const files: string[] = [];
    for (const entry of entries) files.push(...(await listFiles(staging, entry)));
    const manifest: BackupManifest = {
      format: 'berth-backup',
      format_version: BACKUP_FORMAT_VERSION,
      berth_version: options.berthVersion,
      berth_commit: options.berthCommit,
      created_at: (options.now ?? new Date()).toISOString(),
      state,
      ca_fingerprint: await caFingerprint(staging),
      members: await describeMembers(staging, files),
      dirs,
    };
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await mkdir(dirname(options.file), { recursive: true });
    await runTool('tar', ['--create', '--gzip', `--file=${partial}`, `--directory=${staging}`, '--', 'manifest.json', ...entries]);
    await chmod(partial, 0o600); // it holds the CA key and the admin key
    await rename(partial, options.file);
    return { file: options.file, bytes: (await stat(options.file)).size, manifest };
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
