import type { Kysely } from 'kysely';

/**
 * Review apps: a pipeline's review-app settings (enabled when a row exists) and one row per
 * review app, the app a branch push made (unique per pipeline and branch). Both go with their
 * pipeline; a review app's row goes with its app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('review_app_configs')
    .addColumn('pipeline_id', 'text', (c) => c.primaryKey().references('pipelines.id').onDelete('cascade'))
    .addColumn('stale_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('review_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline_id', 'text', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().unique().references('apps.id').onDelete('cascade'))
    .addColumn('source_app_id', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('setup_id', 'text')
    .addColumn('predestroy', 'text')
    .addColumn('last_push_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('review_apps_pipeline_branch', ['pipeline_id', 'branch'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('review_apps').execute();
  await db.schema.dropTable('review_app_configs').execute();
}
