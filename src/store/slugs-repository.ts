import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { NewSlug, SlugRepository } from './port.js';
import type { Slug } from './records.js';
import type { Database, SlugsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation } from './unique-violation.js';
import { inTransaction, lockApp } from './app-lock.js';

export const toSlug = (row: Selectable<SlugsTable>): Slug => ({
  id: row.id,
  appId: row.app_id,
  blobKey: row.blob_key,
  // PostgreSQL hands bigint out as a string.
  size: row.size === null ? null : Number(row.size),
  checksum: row.checksum,
  processTypes: JSON.parse(row.process_types) as Record<string, string>,
  commit: row.commit,
  commitDescription: row.commit_description,
  buildpackProvidedDescription: row.buildpack_provided_description,
  stack: row.stack,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  prunedAt: row.pruned_at ?? null,
});

export class KyselySlugs implements SlugRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewSlug): Promise<Slug> {
    const now = this.clock.now().toISOString();
    const id = this.clock.newId();
    const row = {
      id,
      app_id: input.appId,
      blob_key: input.blobKey ?? `slugs/${id}.tgz`,
      size: input.size ?? null,
      checksum: input.checksum ?? null,
      process_types: JSON.stringify(input.processTypes),
      commit: input.commit ?? null,
      commit_description: input.commitDescription ?? null,
      buildpack_provided_description: input.buildpackProvidedDescription ?? null,
      stack: input.stack,
      created_at: now,
      updated_at: now,
      pruned_at: null,
    };
    try {
      await this.db.insertInto('slugs').values(row).execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
    return toSlug(row);
  }

  async findById(id: string): Promise<Slug | undefined> {
    const row = await this.db.selectFrom('slugs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSlug(row);
  }

  async find(appId: string, id: string): Promise<Slug | undefined> {
    const row = await this.db
      .selectFrom('slugs')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => eb.or([eb('app_id', '=', appId), eb.exists(eb.selectFrom('releases').select('releases.id').where('releases.app_id', '=', appId).where('releases.slug_id', '=', id))]))
      .executeTakeFirst();
    return row && toSlug(row);
  }

  async sharedWithOtherApps(appId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('slugs as s')
      .innerJoin('releases as r', 'r.slug_id', 's.id')
      .select('s.id')
      .distinct()
      .where('s.app_id', '=', appId)
      .where('r.app_id', '<>', appId)
      .execute();
    return rows.map((r) => r.id);
  }

  handOver(appId: string): Promise<number> {
    return inTransaction(this.db, async (db) => {
      let moved = 0;
      for (const slugId of await this.sharedWithOtherApps(appId)) {
        const heir = await db.selectFrom('releases').select('app_id').where('slug_id', '=', slugId).where('app_id', '<>', appId).orderBy('created_at', 'desc').executeTakeFirst();
        if (!heir) continue;
        await db.updateTable('slugs').set({ app_id: heir.app_id, updated_at: this.clock.now().toISOString() }).where('id', '=', slugId).execute();
        moved += 1;
      }
      return moved;
    });
  }

  async markUploaded(id: string, upload: { size: number; checksum: string }): Promise<Slug | undefined> {
    const result = await this.db
      .updateTable('slugs')
      .set({ size: upload.size, checksum: upload.checksum, updated_at: this.clock.now().toISOString() })
      .where('id', '=', id)
      .where('size', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.findById(id);
  }

  async listForApp(appId: string): Promise<Slug[]> {
    const rows = await this.db.selectFrom('slugs').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSlug);
  }

  async markPruned(id: string, newestVersion: number): Promise<boolean> {
    const now = this.clock.now().toISOString();
    return inTransaction(this.db, async (db) => {
      const slug = await db.selectFrom('slugs').select('app_id').where('id', '=', id).executeTakeFirst();
      if (!slug) return false;
      // Under the app's lock: a release made since the caller decided (a rollback to this slug) wins.
      if ((await lockApp(db, slug.app_id)).releaseSeq !== newestVersion) return false;
      await db.updateTable('slugs').set({ pruned_at: now, updated_at: now }).where('id', '=', id).where('pruned_at', 'is', null).execute();
      await db.updateTable('releases').set({ slug_pruned_at: now }).where('slug_id', '=', id).where('slug_pruned_at', 'is', null).execute();
      return true;
    });
  }

  async blobKeysForApp(appId: string): Promise<string[]> {
    const shared = new Set(await this.sharedWithOtherApps(appId));
    const rows = await this.db.selectFrom('slugs').select(['id', 'blob_key']).where('app_id', '=', appId).orderBy('created_at').execute();
    return rows.filter((r) => !shared.has(r.id)).map((r) => r.blob_key);
  }
}
