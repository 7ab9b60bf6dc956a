import type { Kysely } from 'kysely';

/**
 * Postgres transfers (backups, restores, copies) and daily backup schedules. A transfer belongs
 * to the add-on's billing app and goes with it; add-on ids carry no foreign key, because
 * backups outlive the add-on they were taken from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pg_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('num', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('schedule_id', 'text')
    .addColumn('from_addon_id', 'text')
    .addColumn('from_name', 'text', (c) => c.notNull())
    .addColumn('from_type', 'text', (c) => c.notNull())
    .addColumn('to_addon_id', 'text')
    .addColumn('to_name', 'text', (c) => c.notNull())
    .addColumn('to_type', 'text', (c) => c.notNull())
    .addColumn('backup_id', 'text')
    .addColumn('blob_key', 'text')
    .addColumn('source_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('succeeded', 'integer')
    .addColumn('error', 'text')
    .addColumn('logs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('canceled_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pg_transfers_app_num', ['app_id', 'num'])
    .execute();
  await db.schema
    .createTable('pg_backup_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('addon_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('retain_daily', 'integer', (c) => c.notNull())
    .addColumn('retain_weekly', 'integer', (c) => c.notNull())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pg_backup_schedules').execute();
  await db.schema.dropTable('pg_transfers').execute();
}
