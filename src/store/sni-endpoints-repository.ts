import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { SniEndpoint } from './domain-records.js';
import type { NewSniEndpoint, SniEndpointRepository } from './port.js';
import type { Database, SniEndpointsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockAppForInsert } from './app-lock.js';
import { isUniqueViolation } from './unique-violation.js';

const toEndpoint = (row: Selectable<SniEndpointsTable>): SniEndpoint => ({
  id: row.id,
  appId: row.app_id,
  name: row.name,
  certificateChain: row.certificate_chain,
  privateKey: row.private_key,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselySniEndpoints implements SniEndpointRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewSniEndpoint): Promise<SniEndpoint> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      app_id: input.appId,
      name: input.name,
      certificate_chain: input.certificateChain,
      private_key: input.privateKey,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (db) => {
      await lockAppForInsert(db, input.appId, { table: 'sni_endpoints', limit: input.limit, tooMany: (limit) => `The app already has ${limit} SNI endpoints, the most an app may have. Remove one with \`berth certs:remove NAME\` first.` });
      try {
        await db.insertInto('sni_endpoints').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new PlatformError('conflict', `The app already has an SNI endpoint named ${input.name}.`);
        throw err;
      }
    });
    return toEndpoint(row);
  }

  async findById(appId: string, id: string): Promise<SniEndpoint | undefined> {
    const row = await this.db.selectFrom('sni_endpoints').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toEndpoint(row);
  }

  async findByName(appId: string, name: string): Promise<SniEndpoint | undefined> {
    const row = await this.db.selectFrom('sni_endpoints').selectAll().where('app_id', '=', appId).where('name', '=', name).executeTakeFirst();
    return row && toEndpoint(row);
  }

  async list(appId: string): Promise<SniEndpoint[]> {
    const rows = await this.db.selectFrom('sni_endpoints').selectAll().where('app_id', '=', appId).orderBy('name').execute();
    return rows.map(toEndpoint);
  }

  async update(appId: string, id: string, changes: { certificateChain: string; privateKey: string }): Promise<SniEndpoint | undefined> {
    const row = await this.db
      .updateTable('sni_endpoints')
      .set({ certificate_chain: changes.certificateChain, private_key: changes.privateKey, updated_at: this.clock.now().toISOString() })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  delete(appId: string, id: string): Promise<SniEndpoint | undefined> {
    return inTransaction(this.db, async (db) => {
      // SQLite and PostgreSQL both honour ON DELETE SET NULL; detaching first keeps domains'
      // updated_at honest.
      await db.updateTable('domains').set({ sni_endpoint_id: null, updated_at: this.clock.now().toISOString() }).where('app_id', '=', appId).where('sni_endpoint_id', '=', id).execute();
      const row = await db.deleteFrom('sni_endpoints').where('app_id', '=', appId).where('id', '=', id).returningAll().executeTakeFirst();
      return row && toEndpoint(row);
    });
  }
}
