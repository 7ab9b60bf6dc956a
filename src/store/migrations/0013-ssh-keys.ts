import type { Kysely } from 'kysely';

/**
 * SSH public keys for git over SSH (`/account/keys`). `sha256` is OpenSSH's fingerprint of the
 * key blob and unique across all accounts: sshd asks Berth which account a key belongs to, so one
 * key can never open two accounts. `fingerprint` is Heroku's MD5 form, shown by the API.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ssh_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ssh_keys_account').on('ssh_keys').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ssh_keys').execute();
}
