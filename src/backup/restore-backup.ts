/**
 * `berth admin:restore`: lays a backup archive out as a data dir that `bin/berth up` starts from.
 *
 * Everything is checked before anything is placed: the archive is unpacked into a staging dir
 * beside the target, its manifest parsed (a newer format is refused), the member list compared
 * with what was unpacked and every sha256 verified. Only then does the staging dir become the
 * data dir (or, with --force, replace the parts a backup carries). A refusal removes the staging
 * dir and leaves the target as it was.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BackupError } from './backup-error.js';
import { parseManifest, type BackupManifest } from './backup-manifest.js';
import { listFiles, sha256File } from './member-files.js';
import { runTool } from './run-tool.js';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  force?: boolean;
  /** With --force onto an install with another local CA: take the archive's (clients must trust it anew). */
  replaceCa?: boolean;
  /** Where a PostgreSQL state (pg_dump) is restored to; needed for such archives. */
  databaseUrl?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function checkTarget(options: RestoreOptions): Promise<void> {
  const entries = await readdir(options.dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const pid = Number((await readFile(join(options.dataDir, 'berth.pid'), 'utf8').catch(() => '')).trim());
  if (pid > 0 && alive(pid)) throw new BackupError('berth_running', `A Berth (pid ${pid}) is running on ${options.dataDir}: stop it before restoring into its data dir.`);
  if (entries.length > 0 && !options.force) {
    throw new BackupError('data_dir_not_empty', `${options.dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): restore into an empty or new directory, or give --force to replace its state, blobs, CA, admin key and repositories.`);
  }
}

/**
 * An install being replaced (--force) whose local CA is not the archive's: its clients (git, the
 * CLI, browsers) trust that CA, and restoring would swap it for another machine's. Refused unless
 * --replace-ca says that is the point.
 */
async function checkCa(options: RestoreOptions, manifest: BackupManifest): Promise<void> {
  const pem = await readFile(join(options.dataDir, 'tls', 'ca.crt'), 'utf8').catch(() => undefined);
  if (pem === undefined || options.replaceCa) return;
  const here = new X509Certificate(pem).fingerprint256;
  if (manifest.ca_fingerprint === here) return;
  throw new BackupError(
    'other_ca',
    `The archive's local CA (${manifest.ca_fingerprint ?? 'none'}) is not the CA of ${options.dataDir} (${here}): it comes from another machine, and clients that trust this install would stop trusting it. Restore into an empty data dir, or add --replace-ca to take the archive's CA.`,
  );
}

/** Verifies the unpacked archive against its manifest. */
export async function verifyStaged(staging: string, manifest: BackupManifest): Promise<void> {
  for (const dir of manifest.dirs) await mkdir(join(staging, dir), { recursive: true, mode: 0o700 });
  const listed = new Map(manifest.members.map((m) => [m.path, m]));
  const found = new Set<string>();
  for (const entry of (await readdir(staging)).sort()) {
    if (entry === 'manifest.json') continue;
    for (const rel of await listFiles(staging, entry)) found.add(rel);
  }
  for (const path of found) if (!listed.has(path)) throw new BackupError('unexpected_member', `The archive holds ${path}, which its manifest does not list: refusing an archive that was changed after it was written.`);
  for (const member of manifest.members) {
    if (!found.has(member.path)) throw new BackupError('missing_member', `The archive lacks ${member.path}, which its manifest lists: it is incomplete.`);
    const info = await lstat(join(staging, member.path));
    const sum = await sha256File(join(staging, member.path));
    if (info.size !== member.bytes || sum !== member.sha256) {
      throw new BackupError('checksum_mismatch', `${member.path} in the archive does not match its manifest (sha256 ${sum.slice(0, 12)}…, expected ${member.sha256.slice(0, 12)}…): the archive is damaged.`);
    }
    await chmod(join(staging, member.path), member.mode);
  }
}

async function unpack(file: string, staging: string): Promise<BackupManifest> {
  try {
    await runTool('tar', ['--extract', '--gzip', `--file=${file}`, `--directory=${staging}`, '--no-same-owner', '--no-same-permissions']);
  } catch (err) {
    throw new BackupError('truncated', `${file} is truncated or damaged, or not a Berth backup (${(err as Error).message}); nothing was restored.`);
  }
  const text = await readFile(join(staging, 'manifest.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new BackupError('bad_manifest', `${file} has no manifest.json: it is not a Berth backup.`);
  return parseManifest(text);
}

export async function restoreBackup(options: RestoreOptions): Promise<BackupManifest> {
  if (!(await lstat(options.file).catch(() => undefined))?.isFile()) throw new BackupError('bad_arguments', `No backup file at ${options.file}.`);
  await checkTarget(options);
  const parent = dirname(options.dataDir);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(options.dataDir)}.restore-`));
  try {
    const manifest = await unpack(options.file, staging);
    await verifyStaged(staging, manifest);
    if (manifest.state === 'postgres' && !options.databaseUrl) {
      throw new BackupError('bad_arguments', 'This backup holds a PostgreSQL state (pg_dump): give --database-url for the (empty) database to restore it into.');
    }
    if (manifest.state === 'sqlite' && options.databaseUrl) {
      throw new BackupError('bad_arguments', 'This backup holds an SQLite state: restore it without --database-url (Berth then runs on state.sqlite in the data dir).');
    }
    // Checked again: a Berth could have started on the target while the archive was verified.
    await checkTarget(options);
    await checkCa(options, manifest);
    if (manifest.state === 'postgres') {
      await runTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${options.databaseUrl!}`, join(staging, 'state.pgdump')]);
      await rm(join(staging, 'state.pgdump'));
    }
    await rm(join(staging, 'manifest.json'));
    await place(staging, options.dataDir);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Moves the verified parts into the data dir (a rename when it does not exist yet). */
async function place(staging: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  for (const stale of ['state.sqlite-wal', 'state.sqlite-shm', 'berth.json']) await rm(join(dataDir, stale), { force: true });
  for (const entry of await readdir(staging)) {
    await rm(join(dataDir, entry), { recursive: true, force: true });
    await rename(join(staging, entry), join(dataDir, entry));
  }
}
