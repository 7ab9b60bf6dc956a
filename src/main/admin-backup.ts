/**
 * `berth admin:backup` and `berth admin:restore`: run by this process directly on the data dir
 * (same machine, no API call), like `up`. Parses their flags, reads env for the defaults,
 * prints what was done, and names the reason of a refusal. With a directory and --keep N,
 * admin:backup writes a time-stamped file there and keeps the newest N: the daily cron line.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BackupError } from '../backup/backup-error.js';
import { restoreBackup } from '../backup/restore-backup.js';
import { writeBackup } from '../backup/write-backup.js';
import { RESTORE_MARKER } from './restore-addon-data.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PREFIX = 'berth-backup-';

export const BACKUP_HELP = `Usage: berth admin:backup FILE|DIR [--data-dir DIR] [--database-url URL] [--keep N]
       berth admin:restore FILE [--data-dir DIR] [--database-url URL] [--force [--replace-ca]]

admin:backup writes one archive (tar.gz with a manifest of sha256 sums) of the state, blobs,
local CA, admin.key and git repositories of the data dir; safe while Berth runs. Given a
directory and --keep N, it writes ${PREFIX}<UTC time>.tar.gz there and deletes all but the
newest N (run it daily from cron). admin:restore checks the whole archive, then lays it out
as the data dir (which must be empty or new, unless --force; an install with another local CA
also needs --replace-ca); then run bin/berth up on it.
`;

function berthCommit(): Promise<string> {
  return new Promise((done) => {
    execFile('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { timeout: 5000 }, (err, out) => done(err ? 'unknown' : out.trim()));
  });
}

async function berthVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:.]/g, '');
}

async function prune(dir: string, keep: number): Promise<string[]> {
  const files = (await readdir(dir)).filter((n) => n.startsWith(PREFIX) && n.endsWith('.tar.gz')).sort();
  const old = files.slice(0, Math.max(0, files.length - keep));
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}

function options(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      keep: { type: 'string' },
      force: { type: 'boolean' },
      'replace-ca': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    help: values.help === true,
    target: positionals[0],
    extra: positionals.slice(1),
    dataDir: resolve(values['data-dir'] ?? env.BERTH_DATA_DIR ?? join(homedir(), '.berth')),
    databaseUrl: values['database-url'],
    keep: values.keep,
    force: values.force === true,
    replaceCa: values['replace-ca'] === true,
  };
}

/** Runs admin:backup or admin:restore; returns the exit code. */
export async function runBackupCommand(command: 'admin:backup' | 'admin:restore', argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  let o;
  try {
    o = options(argv, env);
    if (o.help) {
      out(BACKUP_HELP);
      return 0;
    }
    if (!o.target || o.extra.length > 0) throw new BackupError('bad_arguments', `${command} takes one FILE${command === 'admin:backup' ? ' (or DIR with --keep)' : ''}.`);
    if (command === 'admin:restore' && o.keep !== undefined) throw new BackupError('bad_arguments', '--keep is an admin:backup flag.');
    if (command === 'admin:backup' && (o.force || o.replaceCa)) throw new BackupError('bad_arguments', `${o.force ? '--force' : '--replace-ca'} is an admin:restore flag.`);
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n\n${BACKUP_HELP}`);
    return 2;
  }
  const target = resolve(o.target);
  if (command === 'admin:restore') {
    const manifest = await restoreBackup({ file: target, dataDir: o.dataDir, force: o.force, replaceCa: o.replaceCa, ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}) });
    // The next `up` recreates the PostgreSQL add-ons' databases from their newest backups.
    await writeFile(join(o.dataDir, RESTORE_MARKER), `${JSON.stringify({ restored_from: target, at: new Date().toISOString() })}\n`, { mode: 0o600 });
    out(`Restored ${manifest.members.length} files from ${target} (written ${manifest.created_at} by Berth ${manifest.berth_version}) into ${o.dataDir}.`);
    out(`Local CA fingerprint: ${manifest.ca_fingerprint ?? 'none'}`);
    out(`Start it with: bin/berth up --data-dir ${o.dataDir}${o.databaseUrl ? ' --database-url URL' : ''}`);
    out('On that first start, each heroku-postgresql add-on is recreated from its newest pg:backups backup.');
    return 0;
  }
  let keep: number | undefined;
  if (o.keep !== undefined) {
    keep = Number(o.keep);
    if (!Number.isInteger(keep) || keep < 1) throw new BackupError('bad_arguments', `--keep takes a whole number of backups of 1 or more, not ${JSON.stringify(o.keep)}.`);
  }
  const isDir = (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
  if (keep !== undefined && !isDir) throw new BackupError('bad_arguments', `--keep needs a directory to write ${PREFIX}<time>.tar.gz files into; ${target} is not one.`);
  if (isDir && keep === undefined) throw new BackupError('bad_arguments', `${target} is a directory: give a FILE, or --keep N to write dated backups into it.`);
  if (isDir && keep !== undefined) {
    const done = await backupIntoDir({ dir: target, keep, dataDir: o.dataDir, ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}), now: new Date() });
    out(`Backed up ${o.dataDir} (${done.state} state, ${done.files} files) to ${done.file} (${done.bytes} bytes).`);
    for (const old of done.deleted) out(`Deleted the older backup ${old}.`);
    return 0;
  }
  const now = new Date();
  const result = await writeBackup({ dataDir: o.dataDir, file: target, ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}), berthVersion: await berthVersion(), berthCommit: await berthCommit(), now });
  out(`Backed up ${o.dataDir} (${result.manifest.state} state, ${result.manifest.members.length} files) to ${result.file} (${result.bytes} bytes).`);
  return 0;
}

/**
 * One dated backup (`berth-backup-<UTC time>.tar.gz`) into `dir`, then all but the newest `keep`
 * deleted: what `admin:backup DIR --keep N` and `up --backup-dir` (ScheduledBackups) do.
 */
export async function backupIntoDir(input: { dir: string; keep: number; dataDir: string; databaseUrl?: string; now: Date }): Promise<{ file: string; bytes: number; state: string; files: number; deleted: string[] }> {
  const file = join(input.dir, `${PREFIX}${stamp(input.now)}.tar.gz`);
  const result = await writeBackup({ dataDir: input.dataDir, file, ...(input.databaseUrl ? { databaseUrl: input.databaseUrl } : {}), berthVersion: await berthVersion(), berthCommit: await berthCommit(), now: input.now });
  const deleted = await prune(input.dir, input.keep);
  return { file: result.file, bytes: result.bytes, state: result.manifest.state, files: result.manifest.members.length, deleted };
}

/** When the newest dated backup in `dir` was taken (from its name), or undefined when there is none. */
export async function newestBackupAt(dir: string): Promise<Date | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(PREFIX) && n.endsWith('.tar.gz')).sort();
  const match = /^berth-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.tar\.gz$/.exec(names.at(-1) ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!));
}
