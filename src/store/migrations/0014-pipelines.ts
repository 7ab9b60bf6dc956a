import { sql, type Kysely } from 'kysely';

/**
 * Pipelines: named groups of apps by stage (review, development, staging, production), and
 * promotions, which release one app's slug on the apps of a later stage. An app sits in at most
 * one pipeline; a pipeline name is unique. A promotion keeps one row per target with its own
 * status, so a target whose release phase fails says so while the others succeed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipelines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('generation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipelines_owner_id').on('pipelines').column('owner_id').execute();
  await db.schema
    .createTable('pipeline_couplings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline_id', 'text', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().unique().references('apps.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('pipeline_couplings_stage', sql`stage in ('test', 'review', 'development', 'staging', 'production')`)
    .execute();
  await db.schema.createIndex('pipeline_couplings_pipeline_id').on('pipeline_couplings').column('pipeline_id').execute();
  await db.schema
    .createTable('pipeline_promotions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline_id', 'text', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('source_app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('source_release_id', 'text', (c) => c.notNull())
    .addColumn('slug_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('pipeline_promotions_status', sql`status in ('pending', 'completed')`)
    .execute();
  await db.schema.createIndex('pipeline_promotions_pipeline_id').on('pipeline_promotions').column('pipeline_id').execute();
  await db.schema
    .createTable('pipeline_promotion_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('promotion_id', 'text', (c) => c.notNull().references('pipeline_promotions.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('release_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('pipeline_promotion_targets_status', sql`status in ('pending', 'succeeded', 'failed')`)
    .execute();
  await db.schema.createIndex('pipeline_promotion_targets_promotion_id').on('pipeline_promotion_targets').column('promotion_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_promotion_targets').execute();
  await db.schema.dropTable('pipeline_promotions').execute();
  await db.schema.dropTable('pipeline_couplings').execute();
  await db.schema.dropTable('pipelines').execute();
}
