import type { Kysely, Selectable } from 'kysely';
import { applyScale, type ScaleRequest, type ScaleResult } from '../core/formation.js';
import type { FormationRepository } from './port.js';
import type { Formation } from './records.js';
import type { Database, FormationsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockApp } from './app-lock.js';

const toFormation = (row: Selectable<FormationsTable>): Formation => ({
  id: row.id,
  appId: row.app_id,
  type: row.type,
  quantity: Number(row.quantity),
  size: row.size,
  command: row.command,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyFormations implements FormationRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async list(appId: string): Promise<Formation[]> {
    const rows = await this.db.selectFrom('formations').selectAll().where('app_id', '=', appId).orderBy('type').execute();
    return rows.map(toFormation);
  }

  async find(appId: string, type: string): Promise<Formation | undefined> {
    const row = await this.db.selectFrom('formations').selectAll().where('app_id', '=', appId).where('type', '=', type).executeTakeFirst();
    return row && toFormation(row);
  }

  scale(appId: string, requests: readonly ScaleRequest[], check?: (results: readonly ScaleResult[]) => void | Promise<void>): Promise<Formation[]> {
    return inTransaction(this.db, async (db) => {
      await lockApp(db, appId);
      const current = (await db.selectFrom('formations').selectAll().where('app_id', '=', appId).execute()).map(toFormation);
      const results = applyScale(current, requests);
      // The whole formation after the change, for checks such as the owner's quota.
      await check?.(current.map((f) => results.find((r) => r.type === f.type) ?? { type: f.type, quantity: f.quantity, size: f.size }));
      const now = this.clock.now().toISOString();
      for (const result of results) {
        const before = current.find((f) => f.type === result.type);
        if (before && before.quantity === result.quantity && before.size === result.size) continue;
        await db
          .updateTable('formations')
          .set({ quantity: result.quantity, size: result.size, updated_at: now })
          .where('app_id', '=', appId)
          .where('type', '=', result.type)
          .execute();
      }
      const types = results.map((r) => r.type);
      const rows = await db.selectFrom('formations').selectAll().where('app_id', '=', appId).where('type', 'in', types).execute();
      return types.map((type) => toFormation(rows.find((r) => r.type === type) as Selectable<FormationsTable>));
    });
  }

  async listAll(): Promise<Formation[]> {
    const rows = await this.db.selectFrom('formations').selectAll().orderBy('app_id').orderBy('type').execute();
    return rows.map(toFormation);
  }
}
