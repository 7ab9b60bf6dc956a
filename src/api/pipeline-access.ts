// Resolving pipelines, couplings and the `app` / `pipeline` references of request bodies.
import { notFound, PlatformError } from '../core/errors.js';
import type { AppPermission } from '../core/access-policy.js';
import type { App } from '../core/model.js';
import type { Pipeline, PipelineCoupling } from '../store/port.js';
import { findAccessibleApp, isUuid } from './app-access.js';
import type { RequestContext } from './context.js';

/** A pipeline is its owner's (or an admin's); anyone else gets the same 404 as for a missing one. */
export async function findPipeline(ctx: RequestContext, identity: string): Promise<Pipeline> {
  const { pipelines } = ctx.deps.store;
  const pipeline = isUuid(identity) ? await pipelines.findById(identity.toLowerCase()) : await pipelines.findByName(identity);
  if (!pipeline || !(ctx.account.isAdmin || pipeline.ownerId === ctx.account.id)) throw notFound('pipeline', identity);
  return pipeline;
}

/** The id or name in a body reference: `"name"`, `{"id": …}` or `{"name": …}`. */
export function referenceOf(value: unknown, field: string): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 100) return value;
  if (typeof value === 'object' && value !== null) {
    const { id, name } = value as { id?: unknown; name?: unknown };
    if (typeof id === 'string' && id.length > 0 && id.length <= 100) return id;
    if (typeof name === 'string' && name.length > 0 && name.length <= 100) return name;
  }
  throw new PlatformError('invalid_params', `${field} must be an id or name, or an object {"id": …} or {"name": …}.`);
}

/** The app a body references (`app`, `source.app`, `targets[].app`), if the caller may use it. */
export function referencedApp(ctx: RequestContext, value: unknown, field: string, need?: AppPermission): Promise<App> {
  return findAccessibleApp(ctx, referenceOf(value, field), need);
}

/** A coupling by id, if the caller may see its pipeline. */
export async function findCoupling(ctx: RequestContext, id: string): Promise<PipelineCoupling> {
  const coupling = isUuid(id) ? await ctx.deps.store.pipelineCouplings.findById(id.toLowerCase()) : undefined;
  if (!coupling) throw notFound('pipeline coupling', id);
  await findPipeline(ctx, coupling.pipelineId).catch(() => {
    throw notFound('pipeline coupling', id);
  });
  return coupling;
}
