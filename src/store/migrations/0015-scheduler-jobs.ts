import type { Kysely } from 'kysely';

/**
 * Heroku Scheduler jobs: a command on a schedule, run as a one-off dyno. The next run is stored
 * so the schedule survives restarts; the last run (its dyno, status, exit code) and the last
 * skipped run are kept for `berth scheduler`. Jobs go with their app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scheduler_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('at', 'text')
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('last_run_status', 'text')
    .addColumn('last_run_dyno_id', 'text')
    .addColumn('last_run_dyno_name', 'text')
    .addColumn('last_run_exit_code', 'integer')
    .addColumn('last_run_started_at', 'text')
    .addColumn('last_run_finished_at', 'text')
    .addColumn('last_skipped_at', 'text')
    .addColumn('last_skip_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduler_jobs_app').on('scheduler_jobs').column('app_id').execute();
  await db.schema.createIndex('scheduler_jobs_next_run').on('scheduler_jobs').column('next_run_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduler_jobs').execute();
}
