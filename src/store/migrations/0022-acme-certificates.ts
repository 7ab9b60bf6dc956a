import type { Kysely } from 'kysely';

/**
 * Automatic certificates (ACME): one row per hostname Berth gets a certificate for, with the
 * certificate and key once issued and the retry schedule. The row goes with its app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acme_certificates')
    .addColumn('hostname', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('certificate', 'text')
    .addColumn('private_key', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('acme_certificates_app_id').on('acme_certificates').column('app_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acme_certificates').execute();
}
