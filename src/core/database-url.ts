// A PostgreSQL database URL taken apart the way Berth connects with it (pure: messages for users).

export interface DatabaseUrlParts {
  host: string;
  port: string;
  database: string;
  user?: string;
  password?: string;
  sslmode?: string;
}

/**
 * The parts of a database URL Berth connects with; throws an Error saying what is wrong. Refused:
 * a host that is not a DNS name or an IP literal (a percent-encoded `/path` would be a unix
 * socket, `a,b` several hosts) and a database name libpq would expand into connection settings
 * (one with `=` or a URL: `--dbname` takes those as a connection string, `hostaddr=` included).
 */
export function parseDatabaseUrl(url: string): DatabaseUrlParts {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('The database URL is not a valid URL.');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`The database URL must start with postgres://, not ${u.protocol}//.`);
  const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  if (!/^[A-Za-z0-9._-]+$/.test(host) && !/^[0-9A-Fa-f:.]+$/.test(host)) throw new Error('The database URL must name its host as a DNS name or an IP address.');
  const database = decodeURIComponent(u.pathname.slice(1));
  if (database.includes('=') || /^postgres(ql)?:/i.test(database)) throw new Error('The database name in the URL may not hold connection settings.');
  const sslmode = u.searchParams.get('sslmode') ?? undefined;
  return {
    host,
    port: u.port || '5432',
    database,
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(sslmode ? { sslmode } : {}),
  };
}
