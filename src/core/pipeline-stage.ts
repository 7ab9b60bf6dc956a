/**
 * Pipeline stages and names (Heroku's rules): the stages an app can hold in a pipeline, the
 * order promotion follows (development → staging → production; review apps promote nowhere by
 * default), and the pipeline name rule. Pure.
 */
import { PlatformError } from './errors.js';

export const PIPELINE_STAGES = ['test', 'review', 'development', 'staging', 'production'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** The stages `pipelines:promote` walks, in order. */
export const PROMOTION_ORDER: readonly PipelineStage[] = ['development', 'staging', 'production'];

export function isPipelineStage(value: unknown): value is PipelineStage {
  return typeof value === 'string' && (PIPELINE_STAGES as readonly string[]).includes(value);
}

/** The stage promoted to from `stage`, or undefined at the end of the line (production, review, test). */
export function nextStage(stage: PipelineStage): PipelineStage | undefined {
  const at = PROMOTION_ORDER.indexOf(stage);
  return at < 0 ? undefined : PROMOTION_ORDER[at + 1];
}

/** Checks a stage from a request; the message lists the valid ones. */
export function parseStage(value: unknown): PipelineStage {
  if (isPipelineStage(value)) return value;
  throw new PlatformError('invalid_params', `stage must be one of ${PIPELINE_STAGES.join(', ')}; got ${JSON.stringify(value ?? null)}.`);
}

const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/;

/** Heroku's pipeline name rule: a lower-case letter, then 2–29 lower-case letters, digits or dashes. */
export function parsePipelineName(value: unknown): string {
  if (typeof value === 'string' && PIPELINE_NAME.test(value)) return value;
  throw new PlatformError('invalid_params', `name must start with a lower-case letter and hold 3 to 30 lower-case letters, digits or dashes (e.g. "shop"); got ${JSON.stringify(value ?? null)}.`);
}

/** The stage an app's name suggests (`shop-staging` → staging), as `pipelines:create` guesses it. */
export function inferStage(appName: string): PipelineStage {
  if (/-(stg|staging)$/.test(appName)) return 'staging';
  if (/-(prd|prod|production|admin|demo)$/.test(appName)) return 'production';
  return 'development';
}
