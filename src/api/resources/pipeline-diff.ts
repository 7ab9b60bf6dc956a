// Berth extension: GET /apps/:app/pipeline-diff, the commits between an app and the next stage's apps.
import { PlatformError } from '../../core/errors.js';
import { nextStage } from '../../core/pipeline-stage.js';
import type { App } from '../../core/model.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';

const MAX_COMMITS = 100;

interface Deployed {
  app: App;
  commit: string | null;
  slugId: string | null;
  slugOwnerId: string | null;
}

async function deployed(ctx: RequestContext, app: App): Promise<Deployed> {
  const release = await ctx.deps.store.releases.current(app.id);
  const slug = release?.slugId ? await ctx.deps.store.slugs.findById(release.slugId) : undefined;
  return { app, commit: slug?.commit ?? null, slugId: slug?.id ?? null, slugOwnerId: slug?.appId ?? null };
}

/** The first repository (the slugs' own apps first, then every app of the pipeline) holding both commits. */
async function between(ctx: RequestContext, repos: string[], base: string, head: string) {
  if (!ctx.deps.commits) return undefined;
  for (const appId of repos) {
    const found = await ctx.deps.commits.commitsBetween(appId, base, head, MAX_COMMITS).catch(() => undefined);
    if (found) return found;
  }
  return undefined;
}

async function compare(ctx: RequestContext, source: Deployed, target: Deployed, pipelineApps: string[]) {
  const base = { app: { id: target.app.id, name: target.app.name }, commit: target.commit };
  if (target.slugId === null) return { ...base, status: 'no_release', ahead_by: null, behind_by: null, commits: [] };
  if (target.slugId === source.slugId || (target.commit !== null && target.commit === source.commit)) {
    return { ...base, status: 'identical', ahead_by: 0, behind_by: 0, commits: [] };
  }
  const unknown = { ...base, status: 'unknown', ahead_by: null, behind_by: null, commits: [] };
  if (source.commit === null || target.commit === null) return unknown;
  const repos = [...new Set([source.slugOwnerId, target.slugOwnerId, source.app.id, ...pipelineApps].filter((id): id is string => id !== null))];
  const ahead = await between(ctx, repos, target.commit, source.commit);
  const behind = await between(ctx, repos, source.commit, target.commit);
  if (!ahead || !behind) return unknown;
  return { ...base, status: ahead.total > 0 ? 'ahead' : 'behind', ahead_by: ahead.total, behind_by: behind.total, commits: ahead.commits };
}

export const pipelineDiffRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/pipeline-diff',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const coupling = await ctx.deps.store.pipelineCouplings.findByApp(app.id);
      if (!coupling) throw new PlatformError('not_found', `The app ${app.name} is not in a pipeline. Add it with \`berth pipelines:add PIPELINE -a ${app.name}\`.`);
      const downstream = nextStage(coupling.stage);
      if (!downstream) throw new PlatformError('invalid_params', `${app.name} is in the ${coupling.stage} stage, which promotes to no later stage: diff an app in development or staging.`);
      const couplings = await ctx.deps.store.pipelineCouplings.listForPipeline(coupling.pipelineId);
      const source = await deployed(ctx, app);
      const targets = [];
      for (const c of couplings.filter((c) => c.stage === downstream)) {
        const target = await ctx.deps.store.apps.findById(c.appId);
        if (target) targets.push(await compare(ctx, source, await deployed(ctx, target), couplings.map((x) => x.appId)));
      }
      return { status: 200, body: { app: { id: app.id, name: app.name }, stage: coupling.stage, commit: source.commit, downstream_stage: downstream, downstream: targets } };
    },
  },
];
