// Runs a created pipeline promotion: each target's release of the promoted slug, in the background.
import type { App } from '../core/model.js';
import type { PipelinePromotion, PromotionTarget, Release, Slug } from '../store/port.js';
import type { ApiDeps } from './context.js';

export interface PromotionPlan {
  promotion: PipelinePromotion;
  source: App;
  sourceRelease: Release;
  slug: Slug;
  targets: Array<{ target: PromotionTarget; app: App }>;
  user: { id: string; email: string };
}

type RunnerDeps = Pick<ApiDeps, 'store' | 'platform' | 'log'>;

/**
 * Starts every target at once and returns: each gets a new release with the promoted slug (same
 * slug id) and its own config and add-ons, through the platform's release path (its own release
 * phase, queued behind a deploy in progress). A target that fails says why; the others go on.
 * The promotion is completed when the last target ends.
 */
export function runPromotion(deps: RunnerDeps, plan: PromotionPlan): Promise<void> {
  const description = `Promote ${plan.source.name} v${plan.sourceRelease.version}${plan.slug.commit ? ` ${plan.slug.commit.slice(0, 7)}` : ''}`;
  return Promise.all(plan.targets.map(({ target, app }) => runTarget(deps, plan, target, app, description))).then(() => undefined);
}

async function runTarget(deps: RunnerDeps, plan: PromotionPlan, target: PromotionTarget, app: App, description: string): Promise<void> {
  const { store } = deps;
  try {
    const outcome = await deps.platform.promote(
      app,
      () => store.releases.create({ appId: app.id, slugId: plan.slug.id, slugOwnerId: plan.slug.appId, description, user: plan.user }),
      (release) => store.pipelinePromotions.setTargetRelease(target.id, release.id),
    );
    if (outcome.status === 'succeeded') await store.pipelinePromotions.finishTarget(target.id, { status: 'succeeded' });
    else await store.pipelinePromotions.finishTarget(target.id, { status: 'failed', errorMessage: outcome.failure ?? `Release v${outcome.release.version} failed in its release phase; the previous release keeps running.` });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log({ at: 'warn', during: 'pipeline promotion', promotion_id: plan.promotion.id, app_id: app.id, error: message });
    await store.pipelinePromotions
      .finishTarget(target.id, { status: 'failed', errorMessage: `The promotion to ${app.name} failed before its release went live: ${message}` })
      .catch((e: unknown) => deps.log({ at: 'error', during: 'pipeline promotion', promotion_id: plan.promotion.id, error: e instanceof Error ? e.message : String(e) }));
  }
}
