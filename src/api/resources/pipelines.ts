// Pipelines: POST/GET/PATCH/DELETE /pipelines[/:pipeline] (id or name). Who sees and changes
// one: src/api/pipeline-access.ts.
import { PlatformError } from '../../core/errors.js';
import { parsePipelineName } from '../../core/pipeline-stage.js';
import type { RequestContext, Route } from '../context.js';
import { findPipeline } from '../pipeline-access.js';
import { serializePipeline } from '../serialize-pipelines.js';

/** Pipelines belong to users here (no teams): an owner other than the caller is refused. */
function checkOwner(ctx: RequestContext, owner: unknown): void {
  if (owner === undefined || owner === null) return;
  const { id, type } = owner as { id?: unknown; type?: unknown };
  if (typeof owner !== 'object' || (type !== undefined && type !== 'user') || (id !== undefined && id !== ctx.account.id)) {
    throw new PlatformError('invalid_params', 'owner must be you ({"id": "<your account id>", "type": "user"}); Berth has no team-owned pipelines.');
  }
}

function checkGeneration(generation: unknown): string {
  const name = typeof generation === 'object' && generation !== null ? (generation as { name?: unknown }).name : generation;
  if (name === undefined || name === null || name === 'cedar') return 'cedar';
  throw new PlatformError('invalid_params', `generation ${JSON.stringify(name)} is not supported: Berth runs slugs ("cedar").`);
}

/** `?eq[name]=X`, as the official CLI looks a pipeline up by name. */
function nameFilter(ctx: RequestContext): string | undefined {
  return ctx.url.searchParams.get('eq[name]') ?? undefined;
}

export const pipelineRoutes: Route[] = [
  {
    method: 'POST',
    path: '/pipelines',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const name = parsePipelineName(body.name);
      checkOwner(ctx, body.owner);
      const generation = checkGeneration(body.generation);
      const pipeline = await ctx.deps.store.pipelines.create({ name, ownerId: ctx.account.id, generation });
      return { status: 201, body: serializePipeline(pipeline) };
    },
  },
  {
    method: 'GET',
    path: '/pipelines',
    access: 'account',
    async handler(ctx) {
      const filter = { name: nameFilter(ctx), ...(ctx.account.isAdmin ? {} : { visibleTo: ctx.account.id }) };
      const pipelines = await ctx.deps.store.pipelines.list(filter);
      return { status: 200, body: pipelines.map(serializePipeline) };
    },
  },
  {
    method: 'GET',
    path: '/pipelines/:pipeline',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: serializePipeline(await findPipeline(ctx, ctx.params.pipeline as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/pipelines/:pipeline',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string, 'manage');
      if (body.name === undefined) return { status: 200, body: serializePipeline(pipeline) };
      const renamed = await ctx.deps.store.pipelines.rename(pipeline.id, parsePipelineName(body.name));
      return { status: 200, body: serializePipeline(renamed ?? pipeline) };
    },
  },
  {
    method: 'DELETE',
    path: '/pipelines/:pipeline',
    access: 'account',
    async handler(ctx) {
      const pipeline = await findPipeline(ctx, ctx.params.pipeline as string, 'manage');
      await ctx.deps.store.pipelines.delete(pipeline.id);
      return { status: 200, body: serializePipeline(pipeline) };
    },
  },
];
