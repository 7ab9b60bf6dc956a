import type { Kysely, Selectable } from 'kysely';
import { notFound, PlatformError } from '../core/errors.js';
import { releaseCommandOf } from '../core/formation.js';
import type { Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';
import type { NewRelease, ReleaseRepository, ReleaseSlugReference } from './port.js';
import type { CurrentReleaseSummary, Release, ReleaseStatus, Slug } from './records.js';
import type { Database, ReleasesTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockApp, nextVersion, parseConfig } from './app-lock.js';
import { followRelease } from './formation-sync.js';
import { paginate } from './paginate.js';
import { toSlug } from './slugs-repository.js';
import { isForeignKeyViolation } from './unique-violation.js';

export const toRelease = (row: Selectable<ReleasesTable>): Release => ({
  id: row.id,
  appId: row.app_id,
  version: Number(row.version),
  slugId: row.slug_id,
  configVars: parseConfig(row.config_vars),
  description: row.description,
  status: row.status as ReleaseStatus,
  userId: row.user_id,
  userEmail: row.user_email,
  releaseCommand: row.release_command,
  addonPlanNames: JSON.parse(row.addon_plan_names) as string[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  slugPrunedAt: row.slug_pruned_at ?? null,
  stack: row.stack ?? null,
});

/** A release of `input.appId` may run a slug of its own, the promoted one, or one it ran before. */
async function mayRun(db: Kysely<Database>, input: NewRelease, ownerId: string, slugId: string): Promise<boolean> {
  if (ownerId === input.appId || ownerId === input.slugOwnerId) return true;
  const ran = await db.selectFrom('releases').select('id').where('app_id', '=', input.appId).where('slug_id', '=', slugId).executeTakeFirst();
  return ran !== undefined;
}

export class KyselyReleases implements ReleaseRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  create(input: NewRelease): Promise<Release> {
    return inTransaction(this.db, async (db) => {
      const locked = await lockApp(db, input.appId).catch((err: unknown) => {
        throw isForeignKeyViolation(err) ? notFound('app', input.appId) : err;
      });
      const newest = await newestRelease(db, input.appId, false);
      const previous = await newestRelease(db, input.appId, true);
      const slugId = input.slugId === undefined ? (previous?.slugId ?? null) : input.slugId;
      const slugRow = slugId === null ? undefined : await db.selectFrom('slugs').selectAll().where('id', '=', slugId).executeTakeFirst();
      if (slugId !== null && (!slugRow || !(await mayRun(db, input, slugRow.app_id, slugId)))) throw notFound('slug', slugId);
      const slug = slugRow && toSlug(slugRow);
      if (slug && slug.size === null) throw slugNotUploaded(slug.id);
      if (slug?.prunedAt) throw slugPruned(slug.id, slug.prunedAt);
      if (slug) await checkSlugStack(db, input.appId, slug);
      const releaseCommand = releaseCommandOf(slug?.processTypes);
      const status: ReleaseStatus = input.status ?? (releaseCommand === null ? 'succeeded' : 'pending');
      const configVars = input.configVars ?? locked.configVars;
      if (input.configVars !== undefined) {
        await db.updateTable('app_config').set({ config_vars: JSON.stringify(input.configVars) }).where('app_id', '=', input.appId).execute();
      }
      const now = this.clock.now().toISOString();
      const row = {
        id: this.clock.newId(),
        app_id: input.appId,
        version: await nextVersion(db, input.appId),
        slug_id: slugId,
        config_vars: JSON.stringify(configVars),
        description: input.description,
        status,
        user_id: input.user?.id ?? null,
        user_email: input.user?.email ?? null,
        release_command: releaseCommand,
        addon_plan_names: JSON.stringify(input.addonPlanNames ?? newest?.addonPlanNames ?? []),
        created_at: now,
        updated_at: now,
        slug_pruned_at: null,
        stack: slug?.stack ?? null,
      };
      await db.insertInto('releases').values(row).execute();
      if (status === 'succeeded' && slug) await followRelease(db, this.clock, input.appId, slug.processTypes);
      return toRelease(row);
    });
  }

  async findById(appId: string, id: string): Promise<Release | undefined> {
    const row = await this.db.selectFrom('releases').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toRelease(row);
  }

  async findByVersion(appId: string, version: number): Promise<Release | undefined> {
    const row = await this.db.selectFrom('releases').selectAll().where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
    return row && toRelease(row);
  }

  async current(appId: string): Promise<Release | undefined> {
    return newestRelease(this.db, appId, true);
  }

  async slugReferences(appId: string): Promise<ReleaseSlugReference[]> {
    const rows = await this.db.selectFrom('releases').select(['id', 'version', 'slug_id', 'status']).where('app_id', '=', appId).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ id: r.id, version: Number(r.version), slugId: r.slug_id, status: r.status as ReleaseStatus }));
  }

  async list(appId: string, page: PageRequest): Promise<Page<Release>> {
    const query = this.db.selectFrom('releases').selectAll().where('app_id', '=', appId);
    return paginate(query, 'version', page, toRelease, (r) => String(r.version), Number);
  }

  finish(id: string, status: 'succeeded' | 'failed'): Promise<Release | undefined> {
    return inTransaction(this.db, async (db) => {
      const before = await db.selectFrom('releases').select(['app_id']).where('id', '=', id).executeTakeFirst();
      if (!before) return undefined;
      await lockApp(db, before.app_id);
      const result = await db
        .updateTable('releases')
        .set({ status, updated_at: this.clock.now().toISOString() })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      const release = toRelease(await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      if (Number(result.numUpdatedRows) > 0 && status === 'succeeded' && release.slugId !== null) {
        const current = await newestRelease(db, release.appId, true);
        if (current?.id === release.id) {
          const slug = await db.selectFrom('slugs').select('process_types').where('id', '=', release.slugId).executeTakeFirstOrThrow();
          await followRelease(db, this.clock, release.appId, JSON.parse(slug.process_types) as Record<string, string>);
        }
      }
      return release;
    });
  }

  async failStale(): Promise<string[]> {
    const rows = await this.db
      .updateTable('releases')
      .set({ status: 'failed', updated_at: this.clock.now().toISOString() })
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async currentSummaries(appIds: readonly string[]): Promise<Map<string, CurrentReleaseSummary>> {
    const summaries = new Map<string, CurrentReleaseSummary>();
    for (let i = 0; i < appIds.length; i += 500) {
      const chunk = appIds.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('releases as r')
        .innerJoin(
          (eb) => eb.selectFrom('releases').select(['app_id', (e) => e.fn.max('version').as('version')]).where('status', '=', 'succeeded').where('app_id', 'in', chunk).groupBy('app_id').as('c'),
          (join) => join.onRef('c.app_id', '=', 'r.app_id').onRef('c.version', '=', 'r.version'),
        )
        .leftJoin('slugs as s', 's.id', 'r.slug_id')
        .select(['r.app_id', 'r.version', 'r.updated_at', 's.size', 's.buildpack_provided_description'])
        .execute();
      for (const row of rows) {
        summaries.set(row.app_id, {
          version: Number(row.version),
          releasedAt: row.updated_at,
          slugSize: row.size === null ? null : Number(row.size),
          buildpackProvidedDescription: row.buildpack_provided_description,
        });
      }
    }
    return summaries;
  }
}

/** The newest release of an app, or the newest succeeded one (the current release). */
async function newestRelease(db: Kysely<Database>, appId: string, succeededOnly: boolean): Promise<Release | undefined> {
  let query = db.selectFrom('releases').selectAll().where('app_id', '=', appId);
  if (succeededOnly) query = query.where('status', '=', 'succeeded');
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && toRelease(row);
}

/**
 * A release runs its slug on the app's stack: a slug built for another stack than the app's
 * stack or build stack (the one `stack:set` chose for the next build) is refused; releasing a
 * slug of the build stack moves the app onto it, as on Heroku.
 */
async function checkSlugStack(db: Kysely<Database>, appId: string, slug: Slug): Promise<void> {
  const app = await db.selectFrom('apps').select(['name', 'stack', 'build_stack']).where('id', '=', appId).executeTakeFirst();
  if (!app || slug.stack === app.stack) return;
  if (slug.stack !== app.build_stack) throw stackMismatch(slug, app.name, app.stack);
  await db.updateTable('apps').set({ stack: slug.stack }).where('id', '=', appId).execute();
}

export const stackMismatch = (slug: Slug, appName: string, appStack: string): PlatformError =>
  new PlatformError('stack_mismatch', `Slug ${slug.id} was built for stack ${slug.stack} and ${appName} runs ${appStack}: a slug runs only on the stack it was built for. Build it again on ${appStack} (git push), or move the app with stack:set ${slug.stack} first.`);

/** A slug whose tarball garbage collection deleted can't make a new release. */
export const slugPruned = (id: string, at: string): PlatformError =>
  new PlatformError('invalid_params', `Slug ${id} was garbage-collected on ${at} to keep the disk budget: its tarball is gone. Deploy the code again (git push) or pick a newer release.`);

/** A release needs a slug whose tarball is in the blob store. */
export const slugNotUploaded = (id: string): PlatformError =>
  new PlatformError('invalid_params', `Slug ${id} has no uploaded tarball yet: PUT the .tgz to the slug's blob.url first, then create the release.`);
