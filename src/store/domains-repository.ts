import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { Domain } from './domain-records.js';
import type { DomainRepository, NewDomain } from './port.js';
import type { Database, DomainsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockAppForInsert } from './app-lock.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';

const toDomain = (row: Selectable<DomainsTable>): Domain => ({
  id: row.id,
  appId: row.app_id,
  hostname: row.hostname,
  kind: 'custom',
  sniEndpointId: row.sni_endpoint_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Refuses an SNI endpoint that does not exist or belongs to another app. */
async function checkEndpoint(db: Kysely<Database>, appId: string, sniEndpointId: string | null | undefined): Promise<void> {
  if (sniEndpointId === null || sniEndpointId === undefined) return;
  const row = await db.selectFrom('sni_endpoints').select('id').where('id', '=', sniEndpointId).where('app_id', '=', appId).executeTakeFirst();
  if (!row) throw new PlatformError('invalid_params', `The app has no SNI endpoint ${sniEndpointId}.`);
}

export class KyselyDomains implements DomainRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewDomain): Promise<Domain> {
    const hostname = input.hostname.toLowerCase();
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      app_id: input.appId,
      hostname,
      kind: 'custom',
      sni_endpoint_id: input.sniEndpointId ?? null,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (db) => {
      await lockAppForInsert(db, input.appId, { table: 'domains', limit: input.limit, tooMany: (limit) => `The app already has ${limit} domains, the most an app may have. Remove one with \`berth domains:remove HOSTNAME\` first.` });
      await checkEndpoint(db, input.appId, input.sniEndpointId);
      try {
        await db.insertInto('domains').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new PlatformError('conflict', `The domain ${hostname} is already in use by another app. Remove it there first, or use another hostname.`);
        }
        throw err;
      }
    });
    return toDomain(row);
  }

  async findById(appId: string, id: string): Promise<Domain | undefined> {
    const row = await this.db.selectFrom('domains').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toDomain(row);
  }

  async findByHostname(appId: string, hostname: string): Promise<Domain | undefined> {
    const row = await this.db.selectFrom('domains').selectAll().where('app_id', '=', appId).where('hostname', '=', hostname.toLowerCase()).executeTakeFirst();
    return row && toDomain(row);
  }

  async list(appId: string): Promise<Domain[]> {
    const rows = await this.db.selectFrom('domains').selectAll().where('app_id', '=', appId).orderBy('hostname').execute();
    return rows.map(toDomain);
  }

  async setSniEndpoint(appId: string, id: string, sniEndpointId: string | null): Promise<Domain | undefined> {
    return inTransaction(this.db, async (db) => {
      await checkEndpoint(db, appId, sniEndpointId);
      try {
        await db.updateTable('domains').set({ sni_endpoint_id: sniEndpointId, updated_at: this.clock.now().toISOString() }).where('app_id', '=', appId).where('id', '=', id).execute();
      } catch (err) {
        // The endpoint was deleted between the check and the update.
        if (isForeignKeyViolation(err)) throw new PlatformError('invalid_params', `The app has no SNI endpoint ${String(sniEndpointId)}.`);
        throw err;
      }
      const row = await db.selectFrom('domains').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
      return row && toDomain(row);
    });
  }

  async delete(appId: string, id: string): Promise<Domain | undefined> {
    const row = await this.db.deleteFrom('domains').where('app_id', '=', appId).where('id', '=', id).returningAll().executeTakeFirst();
    return row && toDomain(row);
  }
}
