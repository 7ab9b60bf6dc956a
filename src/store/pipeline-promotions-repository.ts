// Pipeline promotions and their per-target outcomes on Kysely (one code path for both dialects).
import type { Kysely, Selectable } from 'kysely';
import type { NewPromotion, PipelinePromotion, PipelinePromotionRepository, PromotionTarget, PromotionTargetStatus } from './pipeline-records.js';
import type { Database, PipelinePromotionTargetsTable, PipelinePromotionsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction } from './app-lock.js';

const toPromotion = (row: Selectable<PipelinePromotionsTable>): PipelinePromotion => ({
  id: row.id,
  pipelineId: row.pipeline_id,
  sourceAppId: row.source_app_id,
  sourceReleaseId: row.source_release_id,
  slugId: row.slug_id,
  status: row.status as PipelinePromotion['status'],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toTarget = (row: Selectable<PipelinePromotionTargetsTable>): PromotionTarget => ({
  id: row.id,
  promotionId: row.promotion_id,
  appId: row.app_id,
  releaseId: row.release_id,
  status: row.status as PromotionTargetStatus,
  errorMessage: row.error_message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyPipelinePromotions implements PipelinePromotionRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  create(input: NewPromotion): Promise<{ promotion: PipelinePromotion; targets: PromotionTarget[] }> {
    return inTransaction(this.db, async (db) => {
      const now = this.clock.now().toISOString();
      const promotion = {
        id: this.clock.newId(),
        pipeline_id: input.pipelineId,
        source_app_id: input.sourceAppId,
        source_release_id: input.sourceReleaseId,
        slug_id: input.slugId,
        status: 'pending',
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('pipeline_promotions').values(promotion).execute();
      const targets = input.targetAppIds.map((appId) => ({
        id: this.clock.newId(),
        promotion_id: promotion.id,
        app_id: appId,
        release_id: null,
        status: 'pending',
        error_message: null,
        created_at: now,
        updated_at: now,
      }));
      if (targets.length > 0) await db.insertInto('pipeline_promotion_targets').values(targets).execute();
      return { promotion: toPromotion(promotion), targets: targets.map(toTarget) };
    });
  }

  async findById(id: string): Promise<PipelinePromotion | undefined> {
    const row = await this.db.selectFrom('pipeline_promotions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPromotion(row);
  }

  async targets(promotionId: string): Promise<PromotionTarget[]> {
    const rows = await this.db.selectFrom('pipeline_promotion_targets').selectAll().where('promotion_id', '=', promotionId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toTarget);
  }

  async setTargetRelease(targetId: string, releaseId: string): Promise<void> {
    await this.db.updateTable('pipeline_promotion_targets').set({ release_id: releaseId, updated_at: this.clock.now().toISOString() }).where('id', '=', targetId).execute();
  }

  finishTarget(targetId: string, outcome: { status: 'succeeded' | 'failed'; errorMessage?: string | null }): Promise<void> {
    return inTransaction(this.db, async (db) => {
      const now = this.clock.now().toISOString();
      const target = await db.selectFrom('pipeline_promotion_targets').select(['promotion_id']).where('id', '=', targetId).executeTakeFirst();
      if (!target) return;
      // The promotion row first: concurrent targets of one promotion take turns here on PostgreSQL.
      await db.updateTable('pipeline_promotions').set({ updated_at: now }).where('id', '=', target.promotion_id).execute();
      await db
        .updateTable('pipeline_promotion_targets')
        .set({ status: outcome.status, error_message: outcome.errorMessage ?? null, updated_at: now })
        .where('id', '=', targetId)
        .where('status', '=', 'pending')
        .execute();
      const pending = await db
        .selectFrom('pipeline_promotion_targets')
        .select('id')
        .where('promotion_id', '=', target.promotion_id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (!pending) await db.updateTable('pipeline_promotions').set({ status: 'completed', updated_at: now }).where('id', '=', target.promotion_id).execute();
    });
  }

  async failStale(message: string): Promise<string[]> {
    return inTransaction(this.db, async (db) => {
      const now = this.clock.now().toISOString();
      const rows = await db
        .updateTable('pipeline_promotion_targets')
        .set({ status: 'failed', error_message: message, updated_at: now })
        .where('status', '=', 'pending')
        .returning('id')
        .execute();
      await db.updateTable('pipeline_promotions').set({ status: 'completed', updated_at: now }).where('status', '=', 'pending').execute();
      return rows.map((r) => r.id);
    });
  }
}
