/**
 * Pipelines, their couplings (which app sits at which stage) and promotions as the store hands
 * them out, and their repositories. Timestamps are ISO-8601 in UTC.
 */
import type { PipelineStage } from '../core/pipeline-stage.js';

export interface Pipeline {
  id: string;
  /** Unique across the install (Heroku's name rule). */
  name: string;
  ownerId: string;
  /** `cedar` (slugs); kept for clients that send it. */
  generation: string;
  createdAt: string;
  updatedAt: string;
}

export interface PipelineCoupling {
  id: string;
  pipelineId: string;
  /** An app is coupled to at most one pipeline. */
  appId: string;
  stage: PipelineStage;
  createdAt: string;
  updatedAt: string;
}

export type PromotionTargetStatus = 'pending' | 'succeeded' | 'failed';

export interface PromotionTarget {
  id: string;
  promotionId: string;
  appId: string;
  /** The target's new release, once created. */
  releaseId: string | null;
  status: PromotionTargetStatus;
  /** Why the target failed, in a sentence; null otherwise. */
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PipelinePromotion {
  id: string;
  pipelineId: string;
  sourceAppId: string;
  /** The source's release whose slug is promoted. */
  sourceReleaseId: string;
  slugId: string;
  /** completed once every target succeeded or failed. */
  status: 'pending' | 'completed';
  createdAt: string;
  updatedAt: string;
}

export interface NewPromotion {
  pipelineId: string;
  sourceAppId: string;
  sourceReleaseId: string;
  slugId: string;
  targetAppIds: readonly string[];
}

export interface PipelineRepository {
  /** conflict when the name is taken. */
  create(input: { name: string; ownerId: string; generation: string }): Promise<Pipeline>;
  findById(id: string): Promise<Pipeline | undefined>;
  findByName(name: string): Promise<Pipeline | undefined>;
  /**
   * Every pipeline by name, or those of one owner, or those an account sees (`visibleTo`: it owns
   * them or sees one of their apps, as src/store/accessible-apps.ts says).
   */
  list(filter: { ownerId?: string; visibleTo?: string; name?: string }): Promise<Pipeline[]>;
  /** conflict when the new name is taken. */
  rename(id: string, name: string): Promise<Pipeline | undefined>;
  /** Deletes the pipeline with its couplings and promotions (the apps stay). */
  delete(id: string): Promise<boolean>;
}

export interface PipelineCouplingRepository {
  /** conflict when the app is already in a pipeline (this one or another); not_found for a missing app or pipeline. */
  create(input: { pipelineId: string; appId: string; stage: PipelineStage }): Promise<PipelineCoupling>;
  findById(id: string): Promise<PipelineCoupling | undefined>;
  findByApp(appId: string): Promise<PipelineCoupling | undefined>;
  /** The pipeline's couplings, oldest first. */
  listForPipeline(pipelineId: string): Promise<PipelineCoupling[]>;
  setStage(id: string, stage: PipelineStage): Promise<PipelineCoupling | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface PipelinePromotionRepository {
  /** The promotion (pending) with one pending target per app, in one transaction. */
  create(input: NewPromotion): Promise<{ promotion: PipelinePromotion; targets: PromotionTarget[] }>;
  findById(id: string): Promise<PipelinePromotion | undefined>;
  targets(promotionId: string): Promise<PromotionTarget[]>;
  /** The target's new release was created. */
  setTargetRelease(targetId: string, releaseId: string): Promise<void>;
  /**
   * Ends a pending target; when it was the last pending one, the promotion is completed.
   * A target that is not pending is left as it is.
   */
  finishTarget(targetId: string, outcome: { status: 'succeeded' | 'failed'; errorMessage?: string | null }): Promise<void>;
  /** Fails every pending target and completes their promotions (start-up after a crash); returns the target ids. */
  failStale(message: string): Promise<string[]>;
}
