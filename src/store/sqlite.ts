import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';

/** The embedded default: one SQLite file, WAL, foreign keys on. */
export function sqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      return db;
    },
  });
}
