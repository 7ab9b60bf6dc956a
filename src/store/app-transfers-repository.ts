import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { AppTransfer, AppTransferState } from './access-records.js';
import type { AppTransferRepository } from './port.js';
import type { AppTransfersTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockApp } from './app-lock.js';

const toTransfer = (row: Selectable<AppTransfersTable>): AppTransfer => ({
  id: row.id,
  appId: row.app_id,
  ownerId: row.owner_id,
  recipientId: row.recipient_id,
  state: row.state as AppTransferState,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** App transfers: at most one pending per app; accepted and declined ones stay as history. */
export class KyselyAppTransfers implements AppTransferRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: { appId: string; ownerId: string; recipientId: string }): Promise<AppTransfer> {
    return inTransaction(this.db, async (db) => {
      await lockApp(db, input.appId);
      const pending = await db.selectFrom('app_transfers').select('id').where('app_id', '=', input.appId).where('state', '=', 'pending').executeTakeFirst();
      if (pending) throw new PlatformError('conflict', 'This app already has a pending transfer: cancel it first (DELETE /account/app-transfers/ID).');
      const now = this.clock.now().toISOString();
      const row = { id: this.clock.newId(), app_id: input.appId, owner_id: input.ownerId, recipient_id: input.recipientId, state: 'pending', created_at: now, updated_at: now };
      await db.insertInto('app_transfers').values(row).execute();
      return toTransfer(row);
    });
  }

  async findById(id: string): Promise<AppTransfer | undefined> {
    const row = await this.db.selectFrom('app_transfers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTransfer(row);
  }

  async findPending(appId: string): Promise<AppTransfer | undefined> {
    const row = await this.db.selectFrom('app_transfers').selectAll().where('app_id', '=', appId).where('state', '=', 'pending').executeTakeFirst();
    return row && toTransfer(row);
  }

  async listForAccount(accountId: string): Promise<AppTransfer[]> {
    const rows = await this.db
      .selectFrom('app_transfers')
      .selectAll()
      .where((eb) => eb.or([eb('owner_id', '=', accountId), eb('recipient_id', '=', accountId)]))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toTransfer);
  }

  /** Moves a pending transfer to `state`; undefined when it is not pending (any more). */
  async resolve(id: string, state: Exclude<AppTransferState, 'pending'>): Promise<AppTransfer | undefined> {
    const now = this.clock.now().toISOString();
    const result = await this.db.updateTable('app_transfers').set({ state, updated_at: now }).where('id', '=', id).where('state', '=', 'pending').executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('app_transfers').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
