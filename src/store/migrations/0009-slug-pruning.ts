import type { Kysely } from 'kysely';

/**
 * Slug garbage collection: a slug whose tarball the disk collector deleted keeps its row, marked
 * `pruned_at`; every release of it gets `slug_pruned_at` too, so a release says at once that it
 * can no longer be rolled back to (and why) without a join.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('slugs').addColumn('pruned_at', 'text').execute();
  await db.schema.alterTable('releases').addColumn('slug_pruned_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('releases').dropColumn('slug_pruned_at').execute();
  await db.schema.alterTable('slugs').dropColumn('pruned_at').execute();
}
