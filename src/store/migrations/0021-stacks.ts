import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Stacks: Berth's own stack is berth-24 (a Debian 13 image Berth builds); the Heroku names it
 * stored until now (heroku-24, heroku-22) become berth-24 on apps, slugs and builds. Releases
 * record the stack of their slug (`stack`, null for a release without a slug), so a release says
 * what it ran on without a join. Both dialects: plain UPDATEs and one added column.
 */
const HEROKU = ['heroku-24', 'heroku-22', 'heroku-20'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('releases').addColumn('stack', 'text').execute();
  for (const [table, column] of [['apps', 'stack'], ['apps', 'build_stack'], ['slugs', 'stack'], ['builds', 'stack']] as const) {
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = 'berth-24' WHERE ${sql.ref(column)} IN (${sql.join(HEROKU)})`.execute(db);
  }
  await sql`UPDATE releases SET stack = (SELECT slugs.stack FROM slugs WHERE slugs.id = releases.slug_id) WHERE slug_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('releases').dropColumn('stack').execute();
}
