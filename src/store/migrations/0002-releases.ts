import { sql, type Kysely } from 'kysely';

/**
 * The deploy pipeline: slugs, releases (append-only vN), builds, formation, buildpack
 * installations, and app_config, the per-app row that holds the current config and the release
 * counter. Everything an app owns goes when the app goes (ON DELETE CASCADE).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_config')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('config_vars', 'text', (c) => c.notNull())
    .addColumn('release_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('slugs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('blob_key', 'text', (c) => c.notNull().unique())
    .addColumn('size', 'bigint')
    .addColumn('checksum', 'text')
    .addColumn('process_types', 'text', (c) => c.notNull())
    .addColumn('commit', 'text')
    .addColumn('commit_description', 'text')
    .addColumn('buildpack_provided_description', 'text')
    .addColumn('stack', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('slugs_app_id').on('slugs').column('app_id').execute();

  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('slug_id', 'text', (c) => c.references('slugs.id'))
    .addColumn('config_vars', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('user_email', 'text')
    .addColumn('release_command', 'text')
    .addColumn('addon_plan_names', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('releases_status', sql`status in ('pending', 'succeeded', 'failed')`)
    .execute();
  await db.schema.createIndex('releases_app_version').on('releases').columns(['app_id', 'version']).unique().execute();
  await db.schema.createIndex('releases_slug_id').on('releases').column('slug_id').execute();
  await db.schema.createIndex('releases_status').on('releases').column('status').execute();

  await db.schema
    .createTable('builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_blob', 'text', (c) => c.notNull())
    .addColumn('buildpacks', 'text', (c) => c.notNull())
    .addColumn('slug_id', 'text', (c) => c.references('slugs.id'))
    .addColumn('release_id', 'text', (c) => c.references('releases.id'))
    .addColumn('user_id', 'text')
    .addColumn('user_email', 'text')
    .addColumn('output_key', 'text')
    .addColumn('stack', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('builds_status', sql`status in ('pending', 'succeeded', 'failed')`)
    .execute();
  await db.schema.createIndex('builds_app_created').on('builds').columns(['app_id', 'created_at']).execute();
  await db.schema.createIndex('builds_status').on('builds').column('status').execute();

  await db.schema
    .createTable('formations')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('formations_pkey', ['app_id', 'type'])
    .execute();

  await db.schema
    .createTable('buildpack_installations')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('buildpack_installations_pkey', ['app_id', 'ordinal'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['buildpack_installations', 'formations', 'builds', 'releases', 'slugs', 'app_config']) {
    await db.schema.dropTable(table).execute();
  }
}
