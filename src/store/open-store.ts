import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { KyselyStore, type StoreClock } from './kysely-store.js';
import { sqliteDialect } from './sqlite.js';
import { postgresDialect } from './postgres.js';

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export const systemClock: StoreClock = { now: () => new Date(), newId: () => randomUUID() };

/** Opens the store at `location` and applies pending migrations. */
export async function openStore(location: StoreLocation, clock: StoreClock = systemClock): Promise<KyselyStore> {
  const dialect = location.kind === 'sqlite' ? sqliteDialect(location.path) : postgresDialect(location.url);
  const store = new KyselyStore(new Kysely<Database>({ dialect }), location.kind, clock);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** `postgres://…` / `postgresql://…` URLs select PostgreSQL; anything else is an error. */
export function storeLocationFromUrl(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new Error(`Unsupported database URL ${JSON.stringify(url.replace(/\/\/[^@]*@/, '//…@'))}: use postgres://user:password@host:port/database.`);
}
