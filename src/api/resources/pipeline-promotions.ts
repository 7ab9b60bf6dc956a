// Pipeline promotions: POST /pipeline-promotions, GET /pipeline-promotions/:id[/promotion-targets].
import { notFound, PlatformError } from '../../core/errors.js';
import type { AppPermission } from '../../core/access-policy.js';
import type { App } from '../../core/model.js';
import type { Pipeline, PipelinePromotion } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { isUuid } from '../app-access.js';
import { findPipeline, referencedApp, referenceOf } from '../pipeline-access.js';
import { runPromotion, type PromotionPlan } from '../promotion-runner.js';
import { serializePromotion, serializePromotionTarget } from '../serialize-pipelines.js';

const MAX_TARGETS = 50;

async function coupledApp(ctx: RequestContext, pipeline: Pipeline, value: unknown, field: string, need: AppPermission): Promise<App> {
  const app = await referencedApp(ctx, value, field, need);
  const coupling = await ctx.deps.store.pipelineCouplings.findByApp(app.id);
  if (coupling?.pipelineId !== pipeline.id) {
    throw new PlatformError('invalid_params', `The app ${app.name} is not in pipeline ${pipeline.name}: promote only between apps of one pipeline (add it with \`berth pipelines:add ${pipeline.name} -a ${app.name}\`).`);
  }
  return app;
}

/** Everything checked before anything is written: a refused promotion changes nothing. */
async function planPromotion(ctx: RequestContext, body: Record<string, unknown>): Promise<Omit<PromotionPlan, 'promotion' | 'targets'> & { pipeline: Pipeline; apps: App[] }> {
  const pipeline = await findPipeline(ctx, referenceOf(body.pipeline, 'pipeline'));
  const sourceRef = typeof body.source === 'object' && body.source !== null ? (body.source as { app?: unknown }).app : undefined;
  const source = await coupledApp(ctx, pipeline, sourceRef, 'source.app', 'view');
  if (!Array.isArray(body.targets) || body.targets.length === 0 || body.targets.length > MAX_TARGETS) {
    throw new PlatformError('invalid_params', `targets must be a list of 1 to ${MAX_TARGETS} objects {"app": {"id": …}}.`);
  }
  const apps: App[] = [];
  for (const [i, target] of body.targets.entries()) {
    const ref = typeof target === 'object' && target !== null ? (target as { app?: unknown }).app : undefined;
    const app = await referencedApp(ctx, ref, `targets[${i}].app`, 'deploy');
    if (app.id === source.id) throw new PlatformError('invalid_params', `Cannot promote from an app to itself: ${app.name}. Pick a target other than the source.`);
    if (apps.some((a) => a.id === app.id)) throw new PlatformError('invalid_params', `The app ${app.name} is listed twice in targets.`);
    apps.push(await coupledApp(ctx, pipeline, ref, `targets[${i}].app`, 'deploy'));
  }
  const sourceRelease = await ctx.deps.store.releases.current(source.id);
  const slug = sourceRelease?.slugId ? await ctx.deps.store.slugs.findById(sourceRelease.slugId) : undefined;
  if (!sourceRelease || !slug) throw new PlatformError('invalid_params', `${source.name} has no release with code to promote yet: deploy to it first (git push).`);
  if (slug.prunedAt !== null) throw new PlatformError('invalid_params', `The slug of ${source.name} v${sourceRelease.version} was garbage-collected; deploy again, then promote.`);
  for (const app of apps) {
    if (app.stack !== slug.stack) {
      throw new PlatformError('invalid_params', `Cannot promote to ${app.name}: the slug of ${source.name} v${sourceRelease.version} was built for stack ${slug.stack} and ${app.name} runs ${app.stack}. Move both apps to one stack, then promote.`);
    }
  }
  return { pipeline, source, sourceRelease, slug, apps, user: { id: ctx.account.id, email: ctx.account.email } };
}

async function findPromotion(ctx: RequestContext, id: string): Promise<PipelinePromotion> {
  const promotion = isUuid(id) ? await ctx.deps.store.pipelinePromotions.findById(id.toLowerCase()) : undefined;
  if (!promotion) throw notFound('pipeline promotion', id);
  await findPipeline(ctx, promotion.pipelineId).catch(() => {
    throw notFound('pipeline promotion', id);
  });
  return promotion;
}

export const pipelinePromotionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/pipeline-promotions',
    // Each target gets a release: deploy on every target (and view on the source).
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const plan = await planPromotion(ctx, body);
      const { promotion, targets } = await ctx.deps.store.pipelinePromotions.create({
        pipelineId: plan.pipeline.id,
        sourceAppId: plan.source.id,
        sourceReleaseId: plan.sourceRelease.id,
        slugId: plan.slug.id,
        targetAppIds: plan.apps.map((a) => a.id),
      });
      const run = runPromotion(ctx.deps, { ...plan, promotion, targets: targets.map((target, i) => ({ target, app: plan.apps[i] as App })) });
      run.catch((err: unknown) => ctx.deps.log({ at: 'error', during: 'pipeline promotion', promotion_id: promotion.id, error: err instanceof Error ? err.message : String(err) }));
      return { status: 201, body: serializePromotion(promotion) };
    },
  },
  {
    method: 'GET',
    path: '/pipeline-promotions/:promotion',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: serializePromotion(await findPromotion(ctx, ctx.params.promotion as string)) };
    },
  },
  {
    method: 'GET',
    path: '/pipeline-promotions/:promotion/promotion-targets',
    access: 'account',
    async handler(ctx) {
      const promotion = await findPromotion(ctx, ctx.params.promotion as string);
      const targets = await ctx.deps.store.pipelinePromotions.targets(promotion.id);
      return { status: 200, body: targets.map(serializePromotionTarget) };
    },
  },
];
