import { sql, type Kysely } from 'kysely';

/**
 * Custom domains and SNI endpoints. A domain's hostname is unique across all apps and stored in
 * lower case; an SNI endpoint keeps the certificate chain and private key exactly as uploaded
 * (the key is a secret: the API never returns it). Deleting an app deletes both; deleting an SNI
 * endpoint detaches its domains.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sni_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('certificate_chain', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sni_endpoints_app_name').on('sni_endpoints').columns(['app_id', 'name']).unique().execute();

  await db.schema
    .createTable('domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('hostname', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sni_endpoint_id', 'text', (c) => c.references('sni_endpoints.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('domains_kind', sql`kind in ('custom')`)
    .addCheckConstraint('domains_hostname_lower', sql`hostname = lower(hostname)`)
    .execute();
  await db.schema.createIndex('domains_app_id').on('domains').column('app_id').execute();
  await db.schema.createIndex('domains_sni_endpoint_id').on('domains').column('sni_endpoint_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('domains').execute();
  await db.schema.dropTable('sni_endpoints').execute();
}
