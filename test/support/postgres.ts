// Test harness: a throwaway, real PostgreSQL server per call.
//
// Each call to startThrowawayPostgres() runs initdb into a fresh temp dir
// (on /dev/shm when available, which makes initdb take ~0.5 s), starts the
// server with pg_ctl on a random free port on 127.0.0.1 with trust auth and
// durability switched off, and hands back a URL. stop() shuts it down and
// deletes the temp dir; a process 'exit' hook does the same, best effort,
// for servers a crashed test run forgot to stop.
//
// initdb refuses to run as root, so when we are root every PostgreSQL binary
// runs as the `postgres` user through `runuser`. Children are always started
// with argv arrays (never shell strings) and with timeouts.

import { execFile, execFileSync } from 'node:child_process';
import type { ExecFileOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, stat, appendFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** The temp dir holding the data dir, the log and the Unix socket; removed by stop(). */
  dir: string;
  /** Stops the server (fast, escalating to immediate) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
  /** Runs `CREATE DATABASE "name"` and returns a URL for the new, empty database. */
  createDatabase(name: string): Promise<string>;
}

const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
const REQUIRED_BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const;
const MAX_START_ATTEMPTS = 5;

const INITDB_TIMEOUT_MS = 60_000;
const START_WAIT_S = 30;
const STOP_WAIT_S = 15;
/** Slack between pg_ctl's own -t wait and our hard kill of the child. */
const CHILD_TIMEOUT_SLACK_MS = 5_000;

// ---------------------------------------------------------------------------
// Locating the binaries

function hasServerBinaries(dir: string): boolean {
  return REQUIRED_BINARIES.every((b) => existsSync(path.join(dir, b)));
}

function versionKey(name: string): number[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(name)) return undefined;
  return name.split('.').map(Number);
}

function compareVersionsDesc(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The bin dir of the newest PostgreSQL under `root` (Debian's layout:
 * `/usr/lib/postgresql/<major>/bin`), or undefined if there is none.
 */
export function findPostgresBinDir(root: string = DEBIAN_PG_ROOT): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  const versions = entries
    .map((name) => ({ name, key: versionKey(name) }))
    .filter((e): e is { name: string; key: number[] } => e.key !== undefined)
    .sort((a, b) => compareVersionsDesc(a.key, b.key));
  for (const v of versions) {
    const bin = path.join(root, v.name, 'bin');
    if (hasServerBinaries(bin)) return bin;
  }
  return undefined;
}

/**
 * Where the PostgreSQL server binaries are: $BERTH_POSTGRES_BINDIR if set,
 * else the newest `<root>/<major>/bin`, else the first $PATH entry holding
 * initdb, pg_ctl and postgres. Throws an error pointing at scripts/install.sh
 * when none is found.
 */
export function locatePostgresBinDir(root: string = DEBIAN_PG_ROOT, env: NodeJS.ProcessEnv = process.env): string {
  const override = env['BERTH_POSTGRES_BINDIR'];
  if (override) {
    if (hasServerBinaries(override)) return override;
    throw new Error(
      `BERTH_POSTGRES_BINDIR=${override} does not contain ${REQUIRED_BINARIES.join(', ')}; ` +
        `unset it, or run scripts/install.sh to install Debian's postgresql package`,
    );
  }
  const found = findPostgresBinDir(root);
  if (found) return found;
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir && hasServerBinaries(dir)) return dir;
  }
  throw new Error(
    `PostgreSQL server binaries (${REQUIRED_BINARIES.join(', ')}) not found in ${root}/*/bin or on PATH. ` +
      `Run scripts/install.sh (it installs Debian's postgresql package) and try again.`,
  );
}

// ---------------------------------------------------------------------------
// Running the binaries

interface Runner {
  /** argv prefix: [] when we can run PostgreSQL directly, ['runuser', '-u', 'postgres', '--'] as root. */
  prefix: string[];
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  // Don't let the caller's libpq/server settings leak into initdb/pg_ctl.
  for (const k of ['PGDATA', 'PGPORT', 'PGHOST', 'PGUSER', 'PGDATABASE', 'PGOPTIONS']) delete env[k];
  // A clean C locale so initdb never trips over a LANG that isn't installed.
  env['LC_ALL'] = 'C';
  env['LANG'] = 'C';
  return env;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookupPostgresUser(): { uid: number; gid: number } {
  // /etc/passwd first (no spawn); fall back to id(1) for NSS setups.
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === 'postgres' && f[2] !== undefined && f[3] !== undefined) {
        return { uid: Number(f[2]), gid: Number(f[3]) };
      }
    }
  } catch {
    // fall through
  }
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', timeout: 5_000 }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', timeout: 5_000 }).trim());
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // fall through
  }
  throw new Error(
    'running as root, and initdb refuses to run as root, but there is no `postgres` user to run it as. ' +
      "Run scripts/install.sh (it installs Debian's postgresql package, which creates that user).",
  );
}

function makeRunner(): Runner {
  const env = childEnv();
  if (!isRoot()) return { prefix: [], env };
  const { uid, gid } = lookupPostgresUser();
  return { prefix: ['runuser', '-u', 'postgres', '--'], env, uid, gid };
}

interface RunResult {
  stdout: string;
  stderr: string;
}

class RunError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** [file, args] for running `argv` (a PostgreSQL binary and its arguments) through the runner. */
function command(runner: Runner, argv: string[]): [string, string[]] {
  const full = [...runner.prefix, ...argv];
  const file = full[0];
  if (file === undefined) throw new Error('empty command');
  return [file, full.slice(1)];
}

function run(runner: Runner, argv: string[], timeoutMs: number, cwd: string): Promise<RunResult> {
  const [file, args] = command(runner, argv);
  const full = [file, ...args];
  const opts: ExecFileOptions = {
    env: runner.env,
    cwd,
    timeout: timeoutMs,
    killSignal: 'SIGTERM', // runuser forwards SIGTERM to its child
    maxBuffer: 4 * 1024 * 1024,
    windowsHide: true,
  };
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...opts, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const timedOut = e.killed === true;
        reject(
          new RunError(
            `${full.join(' ')} ${timedOut ? `timed out after ${timeoutMs} ms` : 'failed'}: ` +
              `${(stderr || stdout || e.message).trim()}`,
            stdout,
            stderr,
            timedOut,
          ),
        );
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Temp dir, ports

/** True if `dir` and every ancestor can be traversed by others (or by uid). */
function traversableBy(dir: string, uid: number): boolean {
  let cur = path.resolve(dir);
  for (;;) {
    try {
      const st = statSync(cur);
      const ok = st.uid === uid ? (st.mode & 0o100) !== 0 : (st.mode & 0o001) !== 0;
      if (!ok) return false;
    } catch {
      return false;
    }
    const parent = path.dirname(cur);
    if (parent === cur) return true;
    cur = parent;
  }
}

function chooseBaseDir(runner: Runner): string {
  const candidates = ['/dev/shm', os.tmpdir(), '/tmp'];
  for (const c of candidates) {
    try {
      if (!statSync(c).isDirectory()) continue;
    } catch {
      continue;
    }
    if (runner.uid !== undefined && !traversableBy(c, runner.uid)) continue;
    return c;
  }
  throw new Error(`no temp dir usable by the postgres user among ${candidates.join(', ')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : port ? resolve(port) : reject(new Error('could not pick a port'))));
    });
  });
}

async function readLogFrom(logPath: string, offset: number): Promise<string> {
  try {
    return (await readFile(logPath)).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const PORT_IN_USE = /Address already in use|could not bind IPv4 address|could not create any TCP\/IP sockets/;

// ---------------------------------------------------------------------------
// Exit-time cleanup of servers nobody stopped

interface Live {
  runner: Runner;
  pgCtl: string;
  dataDir: string;
  dir: string;
}

const live = new Set<Live>();
let exitHookInstalled = false;

function cleanupSync(l: Live): void {
  try {
    if (existsSync(path.join(l.dataDir, 'postmaster.pid'))) {
      const [file, args] = command(l.runner, [l.pgCtl, '-D', l.dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop']);
      execFileSync(file, args, { env: l.runner.env, cwd: l.dir, stdio: 'ignore', timeout: 15_000, killSignal: 'SIGTERM' });
    }
  } catch {
    // best effort
  }
  try {
    rmSync(l.dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const l of live) cleanupSync(l);
    live.clear();
  });
}

// ---------------------------------------------------------------------------
// The harness

function quoteConf(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const binDir = locatePostgresBinDir();
  const initdb = path.join(binDir, 'initdb');
  const pgCtl = path.join(binDir, 'pg_ctl');
  const runner = makeRunner();

  const dir = await mkdtemp(path.join(chooseBaseDir(runner), 'berth-pg-'));
  const dataDir = path.join(dir, 'data');
  const logPath = path.join(dir, 'log');
  const entry: Live = { runner, pgCtl, dataDir, dir };
  installExitHook();
  live.add(entry);

  try {
    await chmod(dir, 0o755);
    if (runner.uid !== undefined && runner.gid !== undefined) await chown(dir, runner.uid, runner.gid);

    await run(
      runner,
      [initdb, '-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync'],
      INITDB_TIMEOUT_MS,
      dir,
    );

    // Everything but the port goes into the config file, so the temp dir's
    // path never has to survive pg_ctl's shell-built postgres command line.
    // The file is appended to in place, so it stays owned by postgres.
    await appendFile(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        '# berth throwaway test server',
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = ${quoteConf(dir)}`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const logOffset = await fileSize(logPath);
      try {
        await run(
          runner,
          [pgCtl, '-D', dataDir, '-l', logPath, '-w', '-t', String(START_WAIT_S), '-o', `-p ${port}`, 'start'],
          START_WAIT_S * 1000 + CHILD_TIMEOUT_SLACK_MS,
          dir,
        );
        break;
      } catch (err) {
        const log = await readLogFrom(logPath, logOffset);
        if (attempt < MAX_START_ATTEMPTS && PORT_IN_USE.test(log) && !existsSync(path.join(dataDir, 'postmaster.pid'))) {
          continue; // someone grabbed the port between freePort() and bind: pick another
        }
        throw new Error(
          `could not start PostgreSQL (attempt ${attempt} of ${MAX_START_ATTEMPTS}): ` +
            `${err instanceof Error ? err.message : String(err)}\n--- tail of the postgres log ---\n${tail(log)}`,
        );
      }
    }

    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let stopping: Promise<void> | undefined;

    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        try {
          await stopServer(runner, pgCtl, dataDir, dir);
        } finally {
          live.delete(entry);
          await rm(dir, { recursive: true, force: true });
        }
      })();
      return stopping;
    };

    const createDatabase = async (name: string): Promise<string> => {
      if (!name || name.includes('\0')) throw new Error(`invalid database name: ${JSON.stringify(name)}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    };

    return { url, port, dir, stop, createDatabase };
  } catch (err) {
    // Leave nothing behind if initdb or start failed part-way.
    live.delete(entry);
    cleanupSync(entry);
    throw err;
  }
}

async function stopServer(runner: Runner, pgCtl: string, dataDir: string, dir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return; // already gone
  for (const mode of ['fast', 'immediate'] as const) {
    try {
      await run(
        runner,
        [pgCtl, '-D', dataDir, '-m', mode, '-w', '-t', String(STOP_WAIT_S), 'stop'],
        STOP_WAIT_S * 1000 + CHILD_TIMEOUT_SLACK_MS,
        dir,
      );
      return;
    } catch {
      if (!existsSync(pidFile)) return; // it stopped anyway (or was never running)
    }
  }
  // Last resort: SIGKILL the postmaster named in postmaster.pid.
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // nothing more we can do; rm of the dir follows
  }
}
