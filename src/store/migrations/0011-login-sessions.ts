import type { Kysely } from 'kysely';

/**
 * Login sessions: an API key minted by a login (email and password, `heroku login -i`,
 * `berth login`) is marked `session = 1`, so `DELETE /oauth/sessions/~` (`heroku logout`) can
 * revoke the key that called it without ever revoking a key made for a script or CI.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorizations').addColumn('session', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorizations').dropColumn('session').execute();
}
