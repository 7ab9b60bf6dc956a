// Resolving pipelines, couplings and the `app` / `pipeline` references of request bodies.
import { notFound, PlatformError } from '../core/errors.js';
import type { AppPermission } from '../core/access-policy.js';
import type { App } from '../core/model.js';
import type { Pipeline, PipelineCoupling } from '../store/port.js';
import { canSee, findAccessibleApp, isUuid } from './app-access.js';
import type { RequestContext } from './context.js';

/**
 * What a caller may do with a pipeline (Heroku's rule, with Berth's users as owners):
 * - `view` (see it, its couplings and promotions, promote within it): its owner, an admin, and
 *   anyone who can see one of its apps (a collaborator, a member of the app's team).
 * - `manage` (rename, delete, review-app settings): its owner and admins.
 * Anyone else gets the same 404 as for a missing pipeline; a viewer asking to manage gets 403.
 */
export type PipelineNeed = 'view' | 'manage';

/** True when the caller owns the pipeline or is an admin (every right on it). */
export const ownsPipeline = (ctx: Pick<RequestContext, 'account'>, pipeline: Pipeline): boolean => ctx.account.isAdmin || pipeline.ownerId === ctx.account.id;

/** True when the caller sees one of the pipeline's apps. */
async function seesAnApp(ctx: RequestContext, pipeline: Pipeline): Promise<boolean> {
  for (const coupling of await ctx.deps.store.pipelineCouplings.listForPipeline(pipeline.id)) {
    const app = await ctx.deps.store.apps.findById(coupling.appId);
    if (app && (await canSee(ctx, app))) return true;
  }
  return false;
}

/** A pipeline by id or name on which the caller holds `need` (see PipelineNeed). */
export async function findPipeline(ctx: RequestContext, identity: string, need: PipelineNeed = 'view'): Promise<Pipeline> {
  const { pipelines } = ctx.deps.store;
  const pipeline = isUuid(identity) ? await pipelines.findById(identity.toLowerCase()) : await pipelines.findByName(identity);
  if (!pipeline) throw notFound('pipeline', identity);
  if (ownsPipeline(ctx, pipeline)) return pipeline;
  if (!(await seesAnApp(ctx, pipeline))) throw notFound('pipeline', identity);
  if (need === 'manage') {
    throw new PlatformError('forbidden', `Only the owner of pipeline ${pipeline.name} can change or delete it; you see it through its apps. Ask its owner.`);
  }
  return pipeline;
}

/** The couplings of a pipeline the caller may see: all of them for its owner, else those of apps they can see. */
export async function visibleCouplings(ctx: RequestContext, pipeline: Pipeline): Promise<Array<{ coupling: PipelineCoupling; app: App | undefined }>> {
  const all = await ctx.deps.store.pipelineCouplings.listForPipeline(pipeline.id);
  const owner = ownsPipeline(ctx, pipeline);
  const shown = [];
  for (const coupling of all) {
    const app = await ctx.deps.store.apps.findById(coupling.appId);
    if (owner || (app && (await canSee(ctx, app)))) shown.push({ coupling, app });
  }
  return shown;
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

/** A coupling by id, if the caller may see its pipeline and its app (`change`: and may change it). */
export async function findCoupling(ctx: RequestContext, id: string, change = false): Promise<PipelineCoupling> {
  const coupling = isUuid(id) ? await ctx.deps.store.pipelineCouplings.findById(id.toLowerCase()) : undefined;
  if (!coupling) throw notFound('pipeline coupling', id);
  const pipeline = await findPipeline(ctx, coupling.pipelineId).catch(() => {
    throw notFound('pipeline coupling', id);
  });
  if (ownsPipeline(ctx, pipeline)) return coupling;
  const app = await ctx.deps.store.apps.findById(coupling.appId);
  if (!app || !(await canSee(ctx, app))) throw notFound('pipeline coupling', id);
  // Moving or removing an app in someone else's pipeline: the app's manage permission, as coupling it.
  if (change) await ctx.access.policy.require(ctx.account, app, 'manage', notFound('pipeline coupling', id));
  return coupling;
}
