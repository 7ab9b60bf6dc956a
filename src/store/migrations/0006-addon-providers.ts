import type { Kysely } from 'kysely';

/**
 * Third-party add-on providers (partner API manifests registered by an admin) and the OAuth
 * tokens Berth hands them: one-time grants sent with a provision request, and the access and
 * refresh tokens a provider gets for them, each scoped to one add-on (only SHA-256 hashes of
 * tokens are kept); and config a provider sent before its asynchronous provision finished.
 * Removing a provider removes its tokens and pending config.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('addon_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The validated manifest in Berth's shape (JSON); holds the password, never returned by the API. */
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('addon_partner_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('addon_providers.id').onDelete('cascade'))
    .addColumn('addon_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('addon_partner_tokens_addon').on('addon_partner_tokens').column('addon_id').execute();
  // Config a provider sent (PATCH /addons/:id/config) before it marked the add-on provisioned.
  await db.schema
    .createTable('addon_partner_pending')
    .addColumn('addon_id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('addon_providers.id').onDelete('cascade'))
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('addon_partner_pending').execute();
  await db.schema.dropTable('addon_partner_tokens').execute();
  await db.schema.dropTable('addon_providers').execute();
}
