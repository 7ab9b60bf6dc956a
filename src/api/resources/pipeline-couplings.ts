// Pipeline couplings: which app sits at which stage of a pipeline.
import { notFound, PlatformError } from '../../core/errors.js';
import { parseStage } from '../../core/pipeline-stage.js';
import type { App } from '../../core/model.js';
import type { Pipeline, PipelineCoupling } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { findCoupling, findPipeline, referencedApp, referenceOf, visibleCouplings } from '../pipeline-access.js';
import { serializeCoupling } from '../serialize-pipelines.js';

async function couplingJson(ctx: RequestContext, coupling: PipelineCoupling, pipeline?: Pipeline, app?: App) {
  const owner = pipeline ?? (await ctx.deps.store.pipelines.findById(coupling.pipelineId));
  const named = app ?? (await ctx.deps.store.apps.findById(coupling.appId));
  return serializeCoupling(coupling, owner ?? { id: coupling.pipelineId, name: '' }, named);
}

/** The couplings of the pipelines the caller sees (only those of apps they see, unless they own the pipeline). */
async function listForPipelines(ctx: RequestContext, pipelines: Pipeline[]) {
  const body = [];
  for (const pipeline of pipelines) {
    for (const { coupling, app } of await visibleCouplings(ctx, pipeline)) body.push(await couplingJson(ctx, coupling, pipeline, app));
  }
  return { status: 200, body };
}

async function listMine(ctx: RequestContext) {
  return listForPipelines(ctx, await ctx.deps.store.pipelines.list(ctx.account.isAdmin ? {} : { visibleTo: ctx.account.id }));
}

export const pipelineCouplingRoutes: Route[] = [
  { method: 'GET', path: '/pipeline-couplings', access: 'account', handler: listMine },
  {
    method: 'GET',
    path: '/users/:user/pipeline-couplings',
    access: 'account',
    async handler(ctx) {
      const user = ctx.params.user as string;
      if (user !== '~' && user !== ctx.account.id && user.toLowerCase() !== ctx.account.email) throw notFound('user', user);
      return listMine(ctx);
    },
  },
  {
    method: 'GET',
    path: '/pipelines/:pipeline/pipeline-couplings',
    access: 'account',
    async handler(ctx) {
      return listForPipelines(ctx, [await findPipeline(ctx, ctx.params.pipeline as string)]);
    },
  },
  {
    method: 'POST',
    path: '/pipeline-couplings',
    // Coupling an app lets the pipeline's viewers promote onto it (with deploy on it): the app's manage permission.
    access: { app: 'manage', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const stage = parseStage(body.stage);
      const pipeline = await findPipeline(ctx, referenceOf(body.pipeline, 'pipeline'));
      const app = await referencedApp(ctx, body.app, 'app');
      const coupling = await ctx.deps.store.pipelineCouplings.create({ pipelineId: pipeline.id, appId: app.id, stage });
      return { status: 201, body: await couplingJson(ctx, coupling, pipeline, app) };
    },
  },
  {
    method: 'GET',
    path: '/pipeline-couplings/:coupling',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: await couplingJson(ctx, await findCoupling(ctx, ctx.params.coupling as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/pipeline-couplings/:coupling',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const coupling = await findCoupling(ctx, ctx.params.coupling as string, true);
      if (body.stage === undefined) return { status: 200, body: await couplingJson(ctx, coupling) };
      const updated = await ctx.deps.store.pipelineCouplings.setStage(coupling.id, parseStage(body.stage));
      return { status: 200, body: await couplingJson(ctx, updated ?? coupling) };
    },
  },
  {
    method: 'DELETE',
    path: '/pipeline-couplings/:coupling',
    access: 'account',
    async handler(ctx) {
      const coupling = await findCoupling(ctx, ctx.params.coupling as string, true);
      const body = await couplingJson(ctx, coupling);
      await ctx.deps.store.pipelineCouplings.delete(coupling.id);
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/pipeline-couplings',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const coupling = await ctx.deps.store.pipelineCouplings.findByApp(app.id);
      if (!coupling) throw new PlatformError('not_found', `The app ${app.name} is not in a pipeline. Add it with \`berth pipelines:add PIPELINE -a ${app.name}\`.`);
      return { status: 200, body: await couplingJson(ctx, coupling, undefined, app) };
    },
  },
];
