import type { Kysely, Selectable } from 'kysely';
import { DEFAULT_QUOTA, type AccountQuota } from '../core/account-quota.js';
import type { DynoSizeName } from '../core/dyno-size.js';
import { notFound } from '../core/errors.js';
import type { AccountQuotaRepository } from './port.js';
import type { AccountQuotasTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation } from './unique-violation.js';

const toQuota = (row: Selectable<AccountQuotasTable>): AccountQuota => ({
  maxSize: row.max_size as DynoSizeName,
  maxQuantityPerType: Number(row.max_quantity),
  maxOneOffsPerApp: Number(row.max_one_offs_per_app),
  maxOneOffsPerAccount: Number(row.max_one_offs),
});

/** Admin-set quotas; an account without a row has DEFAULT_QUOTA. */
export class KyselyAccountQuotas implements AccountQuotaRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async get(accountId: string): Promise<AccountQuota> {
    const row = await this.db.selectFrom('account_quotas').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return row ? toQuota(row) : { ...DEFAULT_QUOTA };
  }

  async set(accountId: string, quota: AccountQuota): Promise<AccountQuota> {
    const row = {
      account_id: accountId,
      max_size: quota.maxSize,
      max_quantity: quota.maxQuantityPerType,
      max_one_offs_per_app: quota.maxOneOffsPerApp,
      max_one_offs: quota.maxOneOffsPerAccount,
      updated_at: this.clock.now().toISOString(),
    };
    try {
      await this.db
        .insertInto('account_quotas')
        .values(row)
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ max_size: row.max_size, max_quantity: row.max_quantity, max_one_offs_per_app: row.max_one_offs_per_app, max_one_offs: row.max_one_offs, updated_at: row.updated_at }))
        .execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('account', accountId);
      throw err;
    }
    return toQuota(row);
  }
}
