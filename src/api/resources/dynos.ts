import { PlatformError, notFound } from '../../core/errors.js';
import type { DynoRecord } from '../../core/dyno-host.js';
import { displaySize, resolveDynoSize } from '../../core/formation.js';
import type { App } from '../../core/model.js';
import type { OneOffRequest, Route, RequestContext } from '../context.js';
import { checkOneOffQuota } from '../../core/account-quota.js';
import { MAX_PAGE_SIZE } from '../../core/range.js';
import { holds, routeApp } from '../app-access.js';
import { quotaOf } from '../quota.js';

/** `attach_url` is a capability (the `heroku run` rendezvous): only for callers with deploy. */
export function dynoJson(app: App, dyno: DynoRecord, mayAttach = true) {
  return {
    app: { id: app.id, name: app.name },
    attach_url: mayAttach ? dyno.attachUrl : null,
    command: dyno.command,
    created_at: new Date(dyno.startedAt).toISOString(),
    id: dyno.id,
    name: dyno.name,
    release: { id: dyno.releaseId, version: dyno.releaseVersion },
    size: displaySize(dyno.size),
    state: dyno.state === 'stopping' ? 'up' : dyno.state,
    type: dyno.type,
    updated_at: new Date(dyno.stateChangedAt).toISOString(),
  };
}

function findDyno(ctx: RequestContext, app: App, key: string): DynoRecord {
  const dyno = ctx.deps.dynos.list(app.id).find((d) => d.name === key || d.id === key);
  if (!dyno) throw notFound('dyno', key);
  return dyno;
}

function dynosOfType(ctx: RequestContext, app: App, type: string): DynoRecord[] {
  return ctx.deps.dynos.list(app.id).filter((d) => d.type === type);
}

const TTL_MAX = 86_400;

/**
 * ps:restart / ps:stop of one dyno or a process type, logged with who asked. A one-off dyno stops.
 * A formation dyno would be started again by the loop anyway, so it rolls instead (its replacement
 * starts first, a web one is up before the old one stops): stopping the only web dyno drops no
 * request. Like Heroku, the name may be a process type (`heroku ps:restart web`, `ps:stop web`):
 * then every dyno of that type rolls, as `/formations/:type` does.
 */
async function stopOne(ctx: RequestContext, verb: 'Restart' | 'Stop') {
  const app = routeApp(ctx);
  const key = ctx.params.dyno as string;
  const dyno = ctx.deps.dynos.list(app.id).find((d) => d.name === key || d.id === key);
  if (dyno) {
    // A formation dyno is started again anyway (Heroku restarts it): roll it, so stopping the
    // only web dyno drops no request. A one-off dyno just stops.
    if (dyno.oneOff) void ctx.deps.dynos.stop(dyno.id);
    else ctx.deps.dynos.restartDyno(app.id, dyno.type, dyno.index);
    ctx.deps.logs.emit(app.id, 'api', `${verb} ${dyno.name} dyno by user ${ctx.account.email}`);
    return { status: 202, body: {} };
  }
  return stopType(ctx, app, key, verb, 'dyno or process type with running dynos');
}

/** Every dyno of a type: formation dynos roll (ps:restart web, ps:stop web), one-off dynos stop. */
function stopType(ctx: RequestContext, app: App, type: string, verb: 'Restart' | 'Stop', missing: string) {
  const ofType = dynosOfType(ctx, app, type);
  if (ofType.length === 0) throw notFound(missing, type);
  if (ofType.some((d) => !d.oneOff)) ctx.deps.dynos.restart(app.id, type);
  for (const d of ofType) if (d.oneOff) void ctx.deps.dynos.stop(d.id);
  ctx.deps.logs.emit(app.id, 'api', `${verb} ${type} dynos by user ${ctx.account.email}`);
  return { status: 202, body: {} };
}

/** One-off dynos still running in the app and across its owner's apps. */
async function runningOneOffs(ctx: RequestContext, app: App): Promise<{ runningInApp: number; runningInAccount: number }> {
  // Release-phase dynos are one-offs the platform runs itself: they do not count against the quota.
  const count = (appId: string) => ctx.deps.dynos.list(appId).filter((d) => d.oneOff && d.type !== 'release' && (d.state === 'starting' || d.state === 'up')).length;
  const owned = await ctx.deps.store.apps.list({ ownerId: app.ownerId }, { field: 'name', startExclusive: false, max: MAX_PAGE_SIZE, order: 'asc' });
  return { runningInApp: count(app.id), runningInAccount: owned.items.reduce((sum, other) => sum + count(other.id), 0) };
}

/** The one-off dyno a `POST /apps/:app/dynos` body asks for (`heroku run`), validated. */
function oneOffRequest(ctx: RequestContext, body: Record<string, unknown>): OneOffRequest {
  if (typeof body.command !== 'string' || body.command.trim() === '') {
    throw new PlatformError('invalid_params', 'command is required, e.g. {"command":"bash","attach":true}.');
  }
  const env: Record<string, string> = {};
  if (body.env !== undefined && body.env !== null) {
    if (typeof body.env !== 'object' || Array.isArray(body.env)) throw new PlatformError('invalid_params', 'env must be an object of string values.');
    for (const [key, value] of Object.entries(body.env as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || typeof value !== 'string' || value.includes('\0')) {
        throw new PlatformError('invalid_params', `env ${JSON.stringify(key)} is invalid: names are letters, digits and underscores; values strings without NUL.`);
      }
      env[key] = value;
    }
  }
  const type = body.type === undefined || body.type === null ? 'run' : body.type;
  if (typeof type !== 'string' || !/^[A-Za-z0-9_-]{1,30}$/.test(type)) throw new PlatformError('invalid_params', 'type must be letters, digits, - and _ (default run).');
  const ttl = body.time_to_live === undefined || body.time_to_live === null ? TTL_MAX : body.time_to_live;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > TTL_MAX) throw new PlatformError('invalid_params', `time_to_live must be a whole number of seconds from 1 to ${TTL_MAX}.`);
  const size = body.size === undefined || body.size === null ? 'standard-1x' : resolveDynoSize(body.size).name;
  return {
    command: body.command,
    attach: body.attach === true,
    size,
    env,
    type,
    tty: body.force_no_tty !== true,
    timeToLiveSeconds: ttl,
    user: { id: ctx.account.id, email: ctx.account.email },
  };
}

export const dynoRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/dynos',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const mayAttach = await holds(ctx, app, 'deploy');
      return { status: 200, body: ctx.deps.dynos.list(app.id).filter((d) => d.state !== 'down').map((d) => dynoJson(app, d, mayAttach)) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/dynos/:dyno',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: dynoJson(app, findDyno(ctx, app, ctx.params.dyno as string), await holds(ctx, app, 'deploy')) };
    },
  },
  {
    // Berth extension: what the dyno manager would do now (`berth ps --diff`).
    method: 'GET',
    path: '/apps/:app/formation-plan',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: await ctx.deps.dynos.plan(app.id) };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/dynos',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const request = oneOffRequest(ctx, await ctx.body());
      const quota = await quotaOf(ctx, app);
      if (quota) checkOneOffQuota({ size: request.size, ...(await runningOneOffs(ctx, app)) }, quota);
      return { status: 201, body: dynoJson(app, await ctx.deps.dynos.run(app, request)) };
    },
  },
  {
    // `heroku run:inside web.1 CMD`: the command runs attached in a new one-off dyno on the
    // running dyno's release (its slug, config vars and size), not inside that dyno's sandbox.
    method: 'POST',
    path: '/apps/:app/dynos/:dyno',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const key = ctx.params.dyno as string;
      const target = ctx.deps.dynos.list(app.id).find((d) => (d.name === key || d.id === key) && (d.state === 'up' || d.state === 'starting'));
      if (!target) throw notFound('running dyno', key);
      const body = await ctx.body();
      const request = { ...oneOffRequest(ctx, { ...body, size: body.size ?? target.size }), attach: true, releaseId: target.releaseId };
      const quota = await quotaOf(ctx, app);
      if (quota) checkOneOffQuota({ size: request.size, ...(await runningOneOffs(ctx, app)) }, quota);
      return { status: 201, body: dynoJson(app, await ctx.deps.dynos.run(app, request)) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/dynos',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      ctx.deps.dynos.restart(app.id);
      ctx.deps.logs.emit(app.id, 'api', `Restart all dynos by user ${ctx.account.email}`);
      return { status: 202, body: {} };
    },
  },
  // ps:restart web.1 rolls that one dyno.
  { method: 'DELETE', path: '/apps/:app/dynos/:dyno', access: { app: 'operate' }, handler: (ctx) => stopOne(ctx, 'Restart') },
  {
    method: 'DELETE',
    path: '/apps/:app/formations/:type',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const type = ctx.params.type as string;
      ctx.deps.dynos.restart(app.id, type);
      ctx.deps.logs.emit(app.id, 'api', `Restart ${type} dynos by user ${ctx.account.email}`);
      return { status: 202, body: {} };
    },
  },
  { method: 'POST', path: '/apps/:app/dynos/:dyno/actions/stop', access: { app: 'operate' }, handler: (ctx) => stopOne(ctx, 'Stop') },
  {
    method: 'POST',
    path: '/apps/:app/formations/:type/actions/stop',
    access: { app: 'operate' },
    handler: async (ctx) => stopType(ctx, routeApp(ctx), ctx.params.type as string, 'Stop', 'dynos of type'),
  },
];
