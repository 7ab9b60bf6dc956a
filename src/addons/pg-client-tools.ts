/**
 * PostgreSQL's client programs (pg_dump, pg_restore, psql) as Berth runs them: the newest
 * Debian `/usr/lib/postgresql/<major>/bin` (a dump needs a pg_dump at least as new as the
 * server), else $PATH; connection settings from a database URL passed as libpq environment
 * variables, so no password ever shows in a process list.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDatabaseUrl } from '../core/database-url.js';

export { parseDatabaseUrl };

const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

export type PgClientProgram = 'pg_dump' | 'pg_restore' | 'psql';

/** The absolute path of `program` from the newest installed major version, or the bare name for $PATH. */
export function pgClientProgram(program: PgClientProgram, root: string = DEBIAN_PG_ROOT): string {
  let majors: number[] = [];
  try {
    majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => b - a);
  } catch {
    // not Debian's layout: fall back to $PATH
  }
  for (const major of majors) {
    const file = join(root, String(major), 'bin', program);
    if (existsSync(file)) return file;
  }
  return program;
}

/** Where a URL points, without its password: `127.0.0.1:5432/d1a2b3`, for messages and logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparseable database URL';
  }
}

/**
 * The URL with every query setting but `sslmode` dropped, for node-postgres (which would take
 * `host=`, `sslrootcert=` and the like from the query string).
 */
export function plainDatabaseUrl(url: string): string {
  const u = new URL(url);
  const sslmode = u.searchParams.get('sslmode');
  u.search = sslmode ? `?sslmode=${encodeURIComponent(sslmode)}` : '';
  return u.toString();
}

/**
 * libpq's environment for `url` (`postgres://user:password@host:port/database?sslmode=…`), on
 * top of `base` with any inherited PG* variables removed. `hostaddr`: the address to connect to
 * (one the egress guard checked); the URL's host then only names the server (TLS, messages).
 */
export function libpqEnv(url: string, base: NodeJS.ProcessEnv, hostaddr?: string): NodeJS.ProcessEnv {
  const parts = parseDatabaseUrl(url);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG')) env[key] = value;
  env.PGHOST = parts.host;
  if (hostaddr) env.PGHOSTADDR = hostaddr;
  env.PGPORT = parts.port;
  env.PGDATABASE = parts.database;
  if (parts.user) env.PGUSER = parts.user;
  if (parts.password) env.PGPASSWORD = parts.password;
  if (parts.sslmode) env.PGSSLMODE = parts.sslmode;
  // No password of Berth's own user (~/.pgpass) is ever offered to a server a URL names.
  env.PGPASSFILE = '/dev/null';
  env.PGCONNECT_TIMEOUT = '10';
  env.PGAPPNAME = 'berth-pgbackups';
  return env;
}
