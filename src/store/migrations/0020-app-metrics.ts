import type { Kysely } from 'kysely';

/**
 * App metrics by minute (`GET /apps/:app/metrics`), flushed from the host agent's rings once a
 * minute is over and kept 24 h: one row per app and minute (router requests by status class,
 * response time percentiles, H- and R-code counts as JSON, restarts, crashes) and one per
 * formation dyno name and minute (memory, load). `minute` is unix seconds. Rows go with their app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_metric_minutes')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('r2xx', 'integer', (c) => c.notNull())
    .addColumn('r3xx', 'integer', (c) => c.notNull())
    .addColumn('r4xx', 'integer', (c) => c.notNull())
    .addColumn('r5xx', 'integer', (c) => c.notNull())
    .addColumn('p50', 'double precision')
    .addColumn('p95', 'double precision')
    .addColumn('p99', 'double precision')
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('restarts', 'integer', (c) => c.notNull())
    .addColumn('crashes', 'integer', (c) => c.notNull())
    .addColumn('runtime_errors', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('app_metric_minutes_pk', ['app_id', 'minute'])
    .execute();
  await db.schema.createIndex('app_metric_minutes_minute').on('app_metric_minutes').column('minute').execute();
  await db.schema
    .createTable('dyno_metric_minutes')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('dyno', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('rss_mb', 'double precision')
    .addColumn('swap_mb', 'double precision')
    .addColumn('quota_mb', 'double precision', (c) => c.notNull())
    .addColumn('load', 'double precision')
    .addPrimaryKeyConstraint('dyno_metric_minutes_pk', ['app_id', 'dyno', 'minute'])
    .execute();
  await db.schema.createIndex('dyno_metric_minutes_minute').on('dyno_metric_minutes').column('minute').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dyno_metric_minutes').execute();
  await db.schema.dropTable('app_metric_minutes').execute();
}
