import { notFound, PlatformError } from '../../core/errors.js';
import type { ReviewApp, ReviewAppConfig } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { isUuid } from '../app-access.js';
import { findPipeline, type PipelineNeed } from '../pipeline-access.js';
import { ReviewApps } from '../review-apps.js';

/** Heroku's default: a review app without a push for 5 days is destroyed. */
const DEFAULT_STALE_DAYS = 5;
const MAX_STALE_DAYS = 30;

function configJson(config: ReviewAppConfig) {
  return {
    pipeline_id: config.pipelineId,
    automatic_review_apps: true,
    destroy_stale_apps: true,
    stale_days: config.staleDays,
    wait_for_ci: false,
    deploy_target: null,
    base_name: null,
    repo: null,
    created_at: config.createdAt,
    updated_at: config.updatedAt,
  };
}

async function reviewAppJson(ctx: RequestContext, review: ReviewApp) {
  const app = await ctx.deps.store.apps.findById(review.appId);
  const setup = review.setupId ? await ctx.deps.store.appSetups.find(review.setupId) : undefined;
  const status = setup?.status === 'pending' ? 'creating' : setup?.status === 'failed' ? 'errored' : 'created';
  return {
    id: review.id,
    app: app ? { id: app.id, name: app.name } : null,
    app_setup: review.setupId ? { id: review.setupId } : null,
    branch: review.branch,
    commit: review.commit,
    created_at: review.createdAt,
    updated_at: review.updatedAt,
    last_push_at: review.lastPushAt,
    creator: { id: review.creatorId },
    pipeline: { id: review.pipelineId },
    status,
    message: status === 'errored' ? (setup?.failureMessage ?? null) : null,
    error_status: null,
    fork_repo: null,
    pr_number: null,
    wait_for_ci: false,
    web_url: app ? ctx.deps.urls.webUrl(app.name) : null,
  };
}

function staleDays(body: Record<string, unknown>, fallback: number): number {
  const value = body.stale_days ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_STALE_DAYS) {
    throw new PlatformError('invalid_params', `stale_days must be a whole number of days from 1 to ${MAX_STALE_DAYS}.`);
  }
  return value;
}

async function enabledConfig(ctx: RequestContext, pipelineId: string, identity: string): Promise<ReviewAppConfig> {
  const config = await ctx.deps.store.reviewApps.config(pipelineId);
  if (!config) throw new PlatformError('not_found', `Review apps are not enabled for pipeline ${identity}: berth reviewapps:enable -p ${identity}.`);
  return config;
}

async function findReviewApp(ctx: RequestContext, id: string, need: PipelineNeed = 'view'): Promise<ReviewApp> {
  const review = isUuid(id) ? await ctx.deps.store.reviewApps.findById(id.toLowerCase()) : undefined;
  if (!review) throw notFound('review app', id);
  await findPipeline(ctx, review.pipelineId, need).catch((err: unknown) => {
    throw err instanceof PlatformError && err.id === 'forbidden' ? err : notFound('review app', id);
  });
  return review;
}

/**
 * Review apps (Heroku's `/pipelines/:id/review-app-config` and `/review-apps`): the pipeline's
 * owner turns them on; branch pushes to the pipeline's apps then make, update and destroy them
 * (src/api/review-apps.ts).
 */
export const reviewAppRoutes: Route[] = [
  {
    method: 'POST',
    path: '/pipelines/:pipeline/review-app-config',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string, 'manage');
      const config = await ctx.deps.store.reviewApps.setConfig(pipeline.id, staleDays(await ctx.body(), DEFAULT_STALE_DAYS));
      return { status: 201, body: configJson(config) };
    },
  },
  {
    method: 'GET',
    path: '/pipelines/:pipeline/review-app-config',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string);
      return { status: 200, body: configJson(await enabledConfig(ctx, pipeline.id, ctx.params.pipeline as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/pipelines/:pipeline/review-app-config',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string, 'manage');
      const current = await enabledConfig(ctx, pipeline.id, ctx.params.pipeline as string);
      const config = await ctx.deps.store.reviewApps.setConfig(pipeline.id, staleDays(await ctx.body(), current.staleDays));
      return { status: 200, body: configJson(config) };
    },
  },
  {
    method: 'DELETE',
    path: '/pipelines/:pipeline/review-app-config',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string, 'manage');
      const config = await enabledConfig(ctx, pipeline.id, ctx.params.pipeline as string);
      await ctx.deps.store.reviewApps.removeConfig(pipeline.id);
      return { status: 200, body: configJson(config) };
    },
  },
  {
    method: 'GET',
    path: '/pipelines/:pipeline/review-apps',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string);
      const reviews = await ctx.deps.store.reviewApps.list(pipeline.id);
      return { status: 200, body: await Promise.all(reviews.map((r) => reviewAppJson(ctx, r))) };
    },
  },
  {
    method: 'GET',
    path: '/review-apps/:review',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: await reviewAppJson(ctx, await findReviewApp(ctx, ctx.params.review as string)) };
    },
  },
  {
    method: 'DELETE',
    path: '/review-apps/:review',
    access: 'account',
    async handler(ctx) {
      const review = await findReviewApp(ctx, ctx.params.review as string, 'manage');
      const body = await reviewAppJson(ctx, review);
      await new ReviewApps(ctx.deps, ctx.internal).destroy(review);
      return { status: 200, body: { ...body, status: 'deleted' } };
    },
  },
];
