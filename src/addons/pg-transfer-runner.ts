/**
 * The work of Heroku PGBackups on a real server: capture a database into the blob store as a
 * `pg_dump -Fc` file, restore such a file into a database (`pg_restore --clean --if-exists
 * --no-owner`, connected as the add-on's own role), and copy one database into another (pg_dump
 * piped into pg_restore). A source outside Berth (pg:copy from a tenant's URL) is connected to
 * through the egress guard only: node-postgres over a guarded socket, pg_dump pinned with
 * PGHOSTADDR to the address the guard checked. Failures are PgTransferError with a sentence for the user; a capture
 * that fails leaves no blob behind and never writes to the database.
 */
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { BlobStore } from '../blobs/blob-store.js';
import { EgressRefusedError, type EgressGuard } from '../egress/egress-guard.js';
import { guardedSocket } from '../egress/guarded-socket.js';
import { describeDatabaseUrl, libpqEnv, parseDatabaseUrl, pgClientProgram, plainDatabaseUrl } from './pg-client-tools.js';
import { PgProgram } from './pg-program.js';

export class PgTransferError extends Error {
  override readonly name = 'PgTransferError';
}

/** Where a transfer reports how far it got and what its programs said. */
export interface TransferWatch {
  progress(processedBytes: number): void;
  log(message: string): void;
}

export interface TransferLimits {
  /** Hard limit for one pg_dump / pg_restore run. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Heroku's default: transfers run for at most 12 hours. */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 12 * 60 * 60 * 1000;

/** A fixed, small environment: nothing of Berth's own (no ~/.pgpass, no PG* settings) leaks in. */
const PROGRAM_ENV: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C.UTF-8' };

const DUMP_ARGS = ['--format=custom', '--no-owner', '--no-acl', '--verbose'];
const RESTORE_ARGS = ['--clean', '--if-exists', '--no-owner', '--no-acl', '--verbose'];

/**
 * `pg_database_size` of the URL's database; also the check that the server answers at all.
 * With `guard` (a tenant's URL), the connection goes through it.
 */
export async function databaseSize(url: string, guard?: EgressGuard): Promise<number> {
  let connectionString: string;
  try {
    parseDatabaseUrl(url);
    connectionString = plainDatabaseUrl(url);
  } catch (err) {
    throw new PgTransferError(`${(err as Error).message} Nothing was transferred.`);
  }
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 10_000,
    application_name: 'berth-pgbackups',
    ...(guard ? { stream: () => guardedSocket(guard) } : {}),
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size');
    return Number(result.rows[0]?.size ?? 0);
  } catch (err) {
    throw new PgTransferError(unreachable(url, err));
  } finally {
    await client.end().catch(() => {});
  }
}

function unreachable(url: string, err: unknown): string {
  if (err instanceof EgressRefusedError) return `Could not connect to the database at ${describeDatabaseUrl(url)}: ${err.message}. Nothing was transferred.`;
  const code = (err as NodeJS.ErrnoException).code;
  const where = describeDatabaseUrl(url);
  if (code === 'ECONNREFUSED') return `Could not connect to the PostgreSQL server at ${where}: connection refused. The server is not running; nothing was transferred.`;
  if (code === 'ETIMEDOUT' || /timeout/i.test(String((err as Error).message))) return `Could not connect to the PostgreSQL server at ${where}: timed out. Nothing was transferred.`;
  return `Could not connect to the database at ${where}: ${(err as Error).message}. Nothing was transferred.`;
}

function meter(watch: TransferWatch, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      counter.bytes += chunk.length;
      watch.progress(counter.bytes);
      done(null, chunk);
    },
  });
}

function startDump(url: string, limits: TransferLimits, watch: TransferWatch, hostaddr?: string): PgProgram {
  const env = libpqEnv(url, PROGRAM_ENV, hostaddr);
  return new PgProgram('pg_dump', pgClientProgram('pg_dump'), [...DUMP_ARGS, `--dbname=${env.PGDATABASE ?? ''}`], env, {
    timeoutMs: limits.timeoutMs,
    ...(limits.signal ? { signal: limits.signal } : {}),
    onLine: (line) => watch.log(line),
  });
}

function startRestore(url: string, limits: TransferLimits, watch: TransferWatch): PgProgram {
  const env = libpqEnv(url, PROGRAM_ENV);
  return new PgProgram('pg_restore', pgClientProgram('pg_restore'), [...RESTORE_ARGS, `--dbname=${env.PGDATABASE ?? ''}`], env, {
    timeoutMs: limits.timeoutMs,
    ...(limits.signal ? { signal: limits.signal } : {}),
    onLine: (line) => watch.log(line),
  });
}

/** pg_restore exits 1 when it skipped statements that failed; it then prints how many. */
function restoreWarnings(program: PgProgram): number | undefined {
  for (const line of program.allLines) {
    const match = /errors ignored on restore: (\d+)/.exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

async function restoreOutcome(program: PgProgram, limits: TransferLimits): Promise<{ warnings: number }> {
  const exit = await program.exited;
  if (exit.code === 0 && !exit.stoppedBecause) return { warnings: 0 };
  const warnings = restoreWarnings(program);
  if (exit.code === 1 && warnings !== undefined && !exit.stoppedBecause) return { warnings };
  throw new PgTransferError(program.describeFailure(exit, limits.timeoutMs));
}

function isDiskFull(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC' || (err as NodeJS.ErrnoException | undefined)?.code === 'EDQUOT';
}

export interface CaptureResult {
  sourceBytes: number;
  processedBytes: number;
  sha256: string;
}

/** Dumps the database at `url` into the blob `key`; on any failure nothing is stored under `key`. */
export async function captureBackup(input: { url: string; blobs: BlobStore; key: string; watch: TransferWatch } & TransferLimits): Promise<CaptureResult> {
  const { url, blobs, key, watch } = input;
  const sourceBytes = await databaseSize(url);
  watch.log(`Capturing ${describeDatabaseUrl(url)} (${sourceBytes} bytes on disk) with pg_dump -Fc`);
  const dump = startDump(url, input, watch);
  const counter = { bytes: 0 };
  // pg_dump's stdout goes through `body` into the blob store; only a clean exit ends `body`
  // (the blob is committed), anything else destroys it with the reason (put removes its file).
  const body = new PassThrough();
  body.on('error', () => {}); // put() reports the error; a late one after put gave up must not go unhandled
  dump.child.stdout.on('data', (chunk: Buffer) => {
    counter.bytes += chunk.length;
    watch.progress(counter.bytes);
  });
  dump.child.stdout.pipe(body, { end: false });
  void dump.exited.then((exit) => {
    if (exit.code === 0 && !exit.stoppedBecause) body.end();
    else body.destroy(new PgTransferError(dump.describeFailure(exit, input.timeoutMs)));
  });
  try {
    const info = await blobs.put(key, body);
    watch.log(`Stored ${info.size} bytes as ${key}`);
    return { sourceBytes, processedBytes: info.size, sha256: info.sha256 };
  } catch (err) {
    dump.stop('failed');
    const exit = await dump.exited;
    await blobs.delete(key).catch(() => false);
    if (err instanceof PgTransferError) throw err;
    if (isDiskFull(err)) {
      throw new PgTransferError(`The blob store ran out of disk space after ${counter.bytes} bytes of the backup (${(err as Error).message}). The partial backup was removed; the database was only read, never changed.`);
    }
    if (exit.stoppedBecause) throw new PgTransferError(dump.describeFailure(exit, input.timeoutMs));
    throw new PgTransferError(`Storing the backup failed: ${(err as Error).message}`);
  }
}

/** Feeds `source` (a `pg_dump -Fc` file) to pg_restore against `url`, connected as the URL's role. */
export async function restoreBackup(input: { url: string; source: Readable; watch: TransferWatch } & TransferLimits): Promise<{ processedBytes: number; warnings: number }> {
  const { url, watch } = input;
  await databaseSize(url);
  watch.log(`Restoring into ${describeDatabaseUrl(url)} with pg_restore --clean --if-exists --no-owner`);
  const restore = startRestore(url, input, watch);
  const counter = { bytes: 0 };
  const feeding = pipeline(input.source, meter(watch, counter), restore.child.stdin as Writable).catch((err: unknown) => err);
  const outcome = await restoreOutcome(restore, input).finally(() => input.source.destroy());
  const fed = await feeding;
  if (fed instanceof Error && (fed as NodeJS.ErrnoException).code !== 'EPIPE' && fed.name !== 'AbortError' && (fed as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
    throw new PgTransferError(`Reading the backup failed: ${fed.message}`);
  }
  return { processedBytes: counter.bytes, warnings: outcome.warnings };
}

/** The address pg_dump connects to for a tenant's URL: resolved and checked by `guard`, first one. */
async function pinnedAddress(url: string, guard: EgressGuard): Promise<string> {
  const { host } = parseDatabaseUrl(url);
  const addresses = await guard.resolve(host).catch((err: unknown) => {
    throw new PgTransferError(unreachable(url, err));
  });
  return (addresses[0] as { address: string }).address;
}

/**
 * pg_dump of `fromUrl` piped straight into pg_restore against `toUrl` (Heroku's pg:copy).
 * `fromGuard`: the source is a tenant's URL (not a Berth add-on), connected to only through it.
 */
export async function copyDatabase(
  input: { fromUrl: string; toUrl: string; watch: TransferWatch; fromGuard?: EgressGuard } & TransferLimits,
): Promise<{ sourceBytes: number; processedBytes: number; warnings: number }> {
  const { fromUrl, toUrl, watch, fromGuard } = input;
  const sourceBytes = await databaseSize(fromUrl, fromGuard);
  await databaseSize(toUrl);
  const hostaddr = fromGuard ? await pinnedAddress(fromUrl, fromGuard) : undefined;
  watch.log(`Copying ${describeDatabaseUrl(fromUrl)} to ${describeDatabaseUrl(toUrl)}`);
  const dump = startDump(fromUrl, input, watch, hostaddr);
  const restore = startRestore(toUrl, input, watch);
  const counter = { bytes: 0 };
  const piping = pipeline(dump.child.stdout, meter(watch, counter), restore.child.stdin as Writable).catch(() => undefined);
  const dumpExit = await dump.exited;
  if (dumpExit.code !== 0 || dumpExit.stoppedBecause) {
    restore.stop('failed');
    await restore.exited;
    throw new PgTransferError(dump.describeFailure(dumpExit, input.timeoutMs));
  }
  await piping;
  const outcome = await restoreOutcome(restore, input);
  return { sourceBytes, processedBytes: counter.bytes, warnings: outcome.warnings };
}
