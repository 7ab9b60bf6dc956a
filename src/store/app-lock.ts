import type { Kysely } from 'kysely';
import type { ConfigVars } from '../core/config-vars.js';
import { notFound, PlatformError } from '../core/errors.js';
import { isForeignKeyViolation } from './unique-violation.js';
import type { Database } from './schema.js';

/**
 * The per-app lock row (app_config). Every change to an app's config, releases or formation
 * starts by updating this row inside its transaction: PostgreSQL then holds a row lock until
 * commit, so a second writer waits and reads what the first committed; SQLite runs one
 * transaction at a time on its single connection. One code path, no dialect branches.
 */
export async function lockApp(db: Kysely<Database>, appId: string): Promise<{ configVars: ConfigVars; releaseSeq: number }> {
  await db.insertInto('app_config').values({ app_id: appId, config_vars: '{}', release_seq: 0 }).onConflict((oc) => oc.column('app_id').doNothing()).execute();
  const row = await db
    .updateTable('app_config')
    .set((eb) => ({ release_seq: eb.ref('release_seq') }))
    .where('app_id', '=', appId)
    .returning(['config_vars', 'release_seq'])
    .executeTakeFirstOrThrow();
  return { configVars: parseConfig(row.config_vars), releaseSeq: Number(row.release_seq) };
}

/** The next release version of a locked app. */
export async function nextVersion(db: Kysely<Database>, appId: string): Promise<number> {
  const row = await db
    .updateTable('app_config')
    .set((eb) => ({ release_seq: eb(eb.ref('release_seq'), '+', 1) }))
    .where('app_id', '=', appId)
    .returning('release_seq')
    .executeTakeFirstOrThrow();
  return Number(row.release_seq);
}

/** Runs fn in a transaction, joining the one `db` is already in. */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Config JSON as a null-prototype map, so a var named __proto__ is just a var. */
export function parseConfig(json: string): ConfigVars {
  return Object.assign(Object.create(null) as ConfigVars, JSON.parse(json) as ConfigVars);
}

/**
 * Locks the app before adding one more of its rows to `table` (a missing app is not_found) and,
 * with a limit, refuses when the app already has that many: the lock makes the count hold
 * against concurrent additions.
 */
export async function lockAppForInsert(
  db: Kysely<Database>,
  appId: string,
  cap?: { table: 'domains' | 'sni_endpoints' | 'app_webhooks'; limit: number | undefined; tooMany(limit: number): string },
): Promise<void> {
  try {
    await lockApp(db, appId);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw notFound('app', appId);
    throw err;
  }
  if (cap?.limit === undefined) return;
  const { count } = await db.selectFrom(cap.table).select((eb) => eb.fn.countAll<number>().as('count')).where('app_id', '=', appId).executeTakeFirstOrThrow();
  if (Number(count) >= cap.limit) throw new PlatformError('invalid_params', cap.tooMany(cap.limit));
}
