import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { NewReviewApp, ReviewApp, ReviewAppConfig, ReviewAppRepository } from './review-app-records.js';
import type { Database, ReviewAppConfigsTable, ReviewAppsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';

const toConfig = (row: Selectable<ReviewAppConfigsTable>): ReviewAppConfig => ({
  pipelineId: row.pipeline_id,
  staleDays: Number(row.stale_days),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toReviewApp = (row: Selectable<ReviewAppsTable>): ReviewApp => ({
  id: row.id,
  pipelineId: row.pipeline_id,
  appId: row.app_id,
  sourceAppId: row.source_app_id,
  branch: row.branch,
  commit: row.commit_sha,
  creatorId: row.creator_id,
  setupId: row.setup_id,
  predestroy: row.predestroy,
  lastPushAt: row.last_push_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Review apps and their pipelines' settings (see review-app-records.ts). */
export class KyselyReviewApps implements ReviewAppRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async config(pipelineId: string): Promise<ReviewAppConfig | undefined> {
    const row = await this.db.selectFrom('review_app_configs').selectAll().where('pipeline_id', '=', pipelineId).executeTakeFirst();
    return row ? toConfig(row) : undefined;
  }

  async setConfig(pipelineId: string, staleDays: number): Promise<ReviewAppConfig> {
    const now = this.clock.now().toISOString();
    await this.db
      .insertInto('review_app_configs')
      .values({ pipeline_id: pipelineId, stale_days: staleDays, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('pipeline_id').doUpdateSet({ stale_days: staleDays, updated_at: now }))
      .execute();
    return (await this.config(pipelineId)) as ReviewAppConfig;
  }

  async removeConfig(pipelineId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('review_app_configs').where('pipeline_id', '=', pipelineId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async create(input: NewReviewApp): Promise<ReviewApp> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      pipeline_id: input.pipelineId,
      app_id: input.appId,
      source_app_id: input.sourceAppId,
      branch: input.branch,
      commit_sha: input.commit,
      creator_id: input.creatorId,
      setup_id: input.setupId,
      predestroy: input.predestroy,
      last_push_at: now,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('review_apps').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `The pipeline already has a review app for branch ${input.branch}.`);
      throw err;
    }
    return toReviewApp(row);
  }

  async findById(id: string): Promise<ReviewApp | undefined> {
    const row = await this.db.selectFrom('review_apps').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toReviewApp(row) : undefined;
  }

  async findByBranch(pipelineId: string, branch: string): Promise<ReviewApp | undefined> {
    const row = await this.db.selectFrom('review_apps').selectAll().where('pipeline_id', '=', pipelineId).where('branch', '=', branch).executeTakeFirst();
    return row ? toReviewApp(row) : undefined;
  }

  async list(pipelineId: string): Promise<ReviewApp[]> {
    const rows = await this.db.selectFrom('review_apps').selectAll().where('pipeline_id', '=', pipelineId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toReviewApp);
  }

  async pushed(id: string, commit: string): Promise<ReviewApp | undefined> {
    const now = this.clock.now().toISOString();
    await this.db.updateTable('review_apps').set({ commit_sha: commit, last_push_at: now, updated_at: now }).where('id', '=', id).execute();
    return this.findById(id);
  }

  async stale(now: Date): Promise<ReviewApp[]> {
    const rows = await this.db
      .selectFrom('review_apps')
      .innerJoin('review_app_configs', 'review_app_configs.pipeline_id', 'review_apps.pipeline_id')
      .selectAll('review_apps')
      .select('review_app_configs.stale_days')
      .execute();
    return rows.filter((row) => Date.parse(row.last_push_at) + Number(row.stale_days) * DAY_MS <= now.getTime()).map(toReviewApp);
  }
}
