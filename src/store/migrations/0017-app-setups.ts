import type { Kysely } from 'kysely';

/**
 * App setups (POST /app-setups): one row per setup with its progress. No foreign key to the app:
 * a setup's record outlives a failed or deleted app, as Heroku's does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_setups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('app_id', 'text')
    .addColumn('app_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_message', 'text')
    .addColumn('build_id', 'text')
    .addColumn('manifest_errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('postdeploy_output', 'text')
    .addColumn('postdeploy_exit_code', 'integer')
    .addColumn('resolved_success_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('app_setups').execute();
}
