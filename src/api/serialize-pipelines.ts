// Platform API shapes of pipelines, couplings, promotions and promotion targets.
import type { App } from '../core/model.js';
import type { Pipeline, PipelineCoupling, PipelinePromotion, PromotionTarget } from '../store/port.js';

const GENERATION_ID = '5e9f4e36-5d7c-4d3b-9f0e-2f2f6ad4c0a1';

export function serializePipeline(pipeline: Pipeline) {
  return {
    created_at: pipeline.createdAt,
    generation: { id: GENERATION_ID, name: pipeline.generation },
    id: pipeline.id,
    name: pipeline.name,
    owner: { id: pipeline.ownerId, type: 'user' },
    updated_at: pipeline.updatedAt,
  };
}

/** `app.name` and `pipeline.name` are extras the official CLI reads (`pipelines:promote`). */
export function serializeCoupling(coupling: PipelineCoupling, pipeline: Pick<Pipeline, 'id' | 'name'>, app: Pick<App, 'id' | 'name'> | undefined) {
  return {
    app: { id: coupling.appId, name: app?.name ?? null },
    created_at: coupling.createdAt,
    id: coupling.id,
    pipeline: { id: pipeline.id, name: pipeline.name },
    stage: coupling.stage,
    updated_at: coupling.updatedAt,
  };
}

export function serializePromotion(promotion: PipelinePromotion) {
  return {
    created_at: promotion.createdAt,
    id: promotion.id,
    pipeline: { id: promotion.pipelineId },
    source: { app: { id: promotion.sourceAppId }, release: { id: promotion.sourceReleaseId } },
    status: promotion.status,
    updated_at: promotion.updatedAt,
    // Berth extension: the slug every target runs.
    slug: { id: promotion.slugId },
  };
}

export function serializePromotionTarget(target: PromotionTarget) {
  return {
    app: { id: target.appId },
    error_message: target.errorMessage,
    id: target.id,
    pipeline_promotion: { id: target.promotionId },
    release: target.releaseId === null ? null : { id: target.releaseId },
    status: target.status,
  };
}
