/**
 * PostgreSQL's client programs (pg_dump, pg_restore, psql) as Berth runs them: the newest
 * Debian `/usr/lib/postgresql/<major>/bin` (a dump needs a pg_dump at least as new as the
 * server), else $PATH; connection settings from a database URL passed as libpq environment
 * variables, so no password ever shows in a process list.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
 * libpq's environment for `url` (`postgres://user:password@host:port/database?sslmode=…`), on
 * top of `base` with any inherited PG* variables removed.
 */
export function libpqEnv(url: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('The database URL is not a valid URL.');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`The database URL must start with postgres://, not ${u.protocol}//.`);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG')) env[key] = value;
  env.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  env.PGPORT = u.port || '5432';
  env.PGDATABASE = decodeURIComponent(u.pathname.slice(1));
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  env.PGCONNECT_TIMEOUT = '10';
  env.PGAPPNAME = 'berth-pgbackups';
  return env;
}
