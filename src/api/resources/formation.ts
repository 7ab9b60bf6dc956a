import { notFound, PlatformError } from '../../core/errors.js';
import { describeScale, FORMATION_TYPE_PATTERN, RELEASE_TYPE, parseQuantity, resolveDynoSize, type ScaleRequest } from '../../core/formation.js';
import type { App } from '../../core/model.js';
import type { RequestContext, Route } from '../context.js';
import { checkFormationQuota } from '../../core/account-quota.js';
import { routeApp } from '../app-access.js';
import { quotaOf } from '../quota.js';
import { updatesArray } from '../params.js';
import { byUser, notifyPlatform } from '../releasing.js';
import { serializeFormation } from '../serialize-deploy.js';

const MAX_UPDATES = 100;

/**
 * One scale request from `{type, quantity, size}`. The official CLI sends quantity as a string,
 * maybe relative (`"+1"`), and the key `size`; the schema says `dyno_size` ({name} or {id}).
 */
function scaleRequest(type: unknown, update: Record<string, unknown>): ScaleRequest {
  if (typeof type !== 'string' || !FORMATION_TYPE_PATTERN.test(type)) {
    throw new PlatformError('invalid_params', `Process type ${JSON.stringify(type)} is invalid: use 1 to 128 letters, digits, _ and -, e.g. "web".`);
  }
  const request: ScaleRequest = { type };
  if (update.quantity !== undefined && update.quantity !== null) request.quantity = parseQuantity(update.quantity);
  const size = update.size ?? update.dyno_size;
  if (size !== undefined && size !== null) request.size = resolveDynoSize(size);
  return request;
}

async function scale(ctx: RequestContext, app: App, requests: ScaleRequest[]) {
  const quota = await quotaOf(ctx, app);
  const scaled = await ctx.deps.store.formations.scale(app.id, requests, quota && ((results) => checkFormationQuota(results, quota)));
  const resized = new Set(requests.filter((r) => r.size).map((r) => r.type));
  ctx.deps.logs.emit(app.id, 'api', `Scale to ${describeScale(scaled, resized)} ${byUser(ctx.account.email)}`);
  notifyPlatform(ctx.deps, 'formationChanged', app.id, () => ctx.deps.platform.formationChanged(app));
  const types = requests.map((r) => r.type);
  ctx.deps.events.publish({ entity: 'api:formation', action: 'update', appId: app.id, types, actor: { id: ctx.account.id, email: ctx.account.email } });
  return scaled.map((f) => serializeFormation(f, app));
}

export const formationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/formation',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      // A `release` row an older Berth made is not shown: the release phase is not in the formation.
      const list = (await ctx.deps.store.formations.list(app.id)).filter((f) => f.type !== RELEASE_TYPE);
      return { status: 200, body: list.map((f) => serializeFormation(f, app)) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/formation/:type',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const formation = await ctx.deps.store.formations.find(app.id, ctx.params.type as string);
      if (!formation) throw notFound('formation', ctx.params.type as string);
      return { status: 200, body: serializeFormation(formation, app) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/formation',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const requests = updatesArray(body, MAX_UPDATES).map((u) => scaleRequest(u.type, u));
      return { status: 200, body: await scale(ctx, app, requests) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/formation/:type',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const [formation] = await scale(ctx, app, [scaleRequest(ctx.params.type, body)]);
      return { status: 200, body: formation };
    },
  },
];
