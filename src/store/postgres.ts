import { PostgresDialect } from 'kysely';
import pg from 'pg';

/** PostgreSQL, for installs that outgrow one machine or already run a database. */
export function postgresDialect(connectionString: string): PostgresDialect {
  return new PostgresDialect({
    pool: new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 10_000 }),
  });
}
