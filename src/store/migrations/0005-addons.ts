import { sql, type Kysely } from 'kysely';

/**
 * Add-ons and their attachments. An add-on belongs to the app that created it (its billing app)
 * and goes provisioning → provisioned → deprovisioned, or failed with a reason; its config
 * (suffix → value, e.g. URL → postgres://…) is a secret the API never returns. Names are unique
 * among add-ons that are not deprovisioned. An attachment puts an add-on on an app under a name
 * unique within the app (DATABASE → DATABASE_URL). Deleting an app deletes both (the API
 * deprovisions and detaches first).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('addons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_message', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('provision_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('addons_state', sql`state in ('provisioning', 'provisioned', 'deprovisioned', 'failed')`)
    .execute();
  await db.schema.createIndex('addons_live_name').on('addons').column('name').unique().where(sql.ref('state'), '<>', 'deprovisioned').execute();
  await db.schema.createIndex('addons_app_id').on('addons').column('app_id').execute();
  await db.schema.createIndex('addons_state').on('addons').column('state').execute();

  await db.schema
    .createTable('addon_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('addon_id', 'text', (c) => c.notNull().references('addons.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('addon_attachments_app_name').on('addon_attachments').columns(['app_id', 'name']).unique().execute();
  await db.schema.createIndex('addon_attachments_addon_id').on('addon_attachments').column('addon_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('addon_attachments').execute();
  await db.schema.dropTable('addons').execute();
}
