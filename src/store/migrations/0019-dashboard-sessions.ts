import type { Kysely } from 'kysely';

/**
 * Dashboard sessions: the browser's `berth_session` cookie, stored only as its SHA-256. A
 * session opened with an API key names that key's authorization and dies with it (revoked,
 * `berth logout`); one opened with email and password has none. `last_used_at` slides the idle
 * expiry, `expires_at` is the absolute one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dashboard_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('authorization_id', 'text', (c) => c.references('authorizations.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_sessions_account').on('dashboard_sessions').column('account_id').execute();
  await db.schema.createIndex('dashboard_sessions_authorization').on('dashboard_sessions').column('authorization_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dashboard_sessions').execute();
}
