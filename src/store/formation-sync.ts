import type { Kysely } from 'kysely';
import { syncFormation } from '../core/formation.js';
import type { Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';

/** Makes the formation follow a release that just became current (see core syncFormation). */
export async function followRelease(db: Kysely<Database>, clock: StoreClock, appId: string, processTypes: Record<string, string>): Promise<void> {
  const current = await db.selectFrom('formations').select(['type', 'command']).where('app_id', '=', appId).execute();
  const sync = syncFormation(current, processTypes);
  const now = clock.now().toISOString();
  for (const entry of sync.insert) {
    await db
      .insertInto('formations')
      .values({ id: clock.newId(), app_id: appId, type: entry.type, quantity: entry.quantity, size: entry.size, command: entry.command, created_at: now, updated_at: now })
      .execute();
  }
  for (const { type, command } of sync.updateCommand) {
    await db.updateTable('formations').set({ command, updated_at: now }).where('app_id', '=', appId).where('type', '=', type).execute();
  }
  if (sync.remove.length > 0) await db.deleteFrom('formations').where('app_id', '=', appId).where('type', 'in', sync.remove).execute();
}
