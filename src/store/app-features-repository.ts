import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { AppFeatureRepository } from './port.js';
import type { AppFeatureSetting } from './records.js';
import type { AppFeaturesTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockApp } from './app-lock.js';
import { isForeignKeyViolation } from './unique-violation.js';

const toSetting = (row: Selectable<AppFeaturesTable>): AppFeatureSetting => ({
  appId: row.app_id,
  name: row.name,
  enabled: Number(row.enabled) === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** App features (labs) the app has set; a feature without a row is off. */
export class KyselyAppFeatures implements AppFeatureRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async list(appId: string): Promise<AppFeatureSetting[]> {
    const rows = await this.db.selectFrom('app_features').selectAll().where('app_id', '=', appId).orderBy('name').execute();
    return rows.map(toSetting);
  }

  async find(appId: string, name: string): Promise<AppFeatureSetting | undefined> {
    const row = await this.db.selectFrom('app_features').selectAll().where('app_id', '=', appId).where('name', '=', name).executeTakeFirst();
    return row && toSetting(row);
  }

  async set(appId: string, name: string, enabled: boolean): Promise<{ setting: AppFeatureSetting; changed: boolean }> {
    try {
      return await inTransaction(this.db, async (db) => {
        await lockApp(db, appId);
        const before = await db.selectFrom('app_features').selectAll().where('app_id', '=', appId).where('name', '=', name).executeTakeFirst();
        const now = this.clock.now().toISOString();
        if (!before) {
          const row = { app_id: appId, name, enabled: enabled ? 1 : 0, created_at: now, updated_at: now };
          await db.insertInto('app_features').values(row).execute();
          return { setting: toSetting(row), changed: enabled };
        }
        if ((Number(before.enabled) === 1) === enabled) return { setting: toSetting(before), changed: false };
        await db.updateTable('app_features').set({ enabled: enabled ? 1 : 0, updated_at: now }).where('app_id', '=', appId).where('name', '=', name).execute();
        return { setting: toSetting({ ...before, enabled: enabled ? 1 : 0, updated_at: now }), changed: true };
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', appId);
      throw err;
    }
  }
}
