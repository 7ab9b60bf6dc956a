/**
 * What `pg:info` shows of a Postgres database, read over its own URL (the add-on's role, no
 * superuser): server version, size, tables, connections and the connection limit.
 */
import pg from 'pg';
import { describeDatabaseUrl } from './pg-client-tools.js';

export interface PgFacts {
  serverVersion: string;
  dataSizeBytes: number;
  tables: number;
  connections: number;
  /** null when unlimited. */
  connectionLimit: number | null;
}

export async function readPgFacts(url: string): Promise<PgFacts> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'berth-pg-info' });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; size: string; tables: string; connections: string; limit: number }>(
      `SELECT current_setting('server_version') AS version,
              pg_database_size(current_database())::text AS size,
              (SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))::text AS tables,
              (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::text AS connections,
              (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS limit`,
    );
    const row = rows[0]!;
    return {
      serverVersion: row.version,
      dataSizeBytes: Number(row.size),
      tables: Number(row.tables),
      connections: Number(row.connections),
      connectionLimit: row.limit >= 0 ? row.limit : null,
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? 'connection refused (the server is not running)' : (err as Error).message;
    throw new Error(`the PostgreSQL server at ${describeDatabaseUrl(url)} does not answer: ${reason}`);
  } finally {
    await client.end().catch(() => {});
  }
}
