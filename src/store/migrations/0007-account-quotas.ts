import type { Kysely } from 'kysely';

/** Admin-set quotas per account (src/core/account-quota.ts); an account without a row has the defaults. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_quotas')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('max_size', 'text', (c) => c.notNull())
    .addColumn('max_quantity', 'integer', (c) => c.notNull())
    .addColumn('max_one_offs_per_app', 'integer', (c) => c.notNull())
    .addColumn('max_one_offs', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_quotas').execute();
}
