import { PlatformError } from '../../core/errors.js';
import type { DrainView } from '../../core/drain-view.js';
import type { App } from '../../core/model.js';
import type { Route, RequestContext } from '../context.js';
import { routeApp } from '../app-access.js';
import { pageOrigin } from '../capability-url.js';

function drainJson(ctx: RequestContext, app: App, drain: DrainView) {
  const at = drain.createdAt ?? ctx.deps.now().toISOString();
  return { addon: null, app: { id: app.id, name: app.name }, created_at: at, id: drain.id, token: drain.token, updated_at: at, url: drain.url };
}

export const logRoutes: Route[] = [
  {
    method: 'POST',
    path: '/apps/:app/log-sessions',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const body = await ctx.body();
      // The official CLI sends `dyno` (a dyno name or a process type); the schema says dyno_name/type.
      const request = { lines: body.lines, tail: body.tail, source: body.source, dyno: body.dyno ?? body.dyno_name ?? body.type };
      const session = await ctx.deps.logplex.issueSession(app.id, request);
      const now = ctx.deps.now().toISOString();
      // The dashboard reads the stream from its own origin (either API port serves log sessions).
      const origin = pageOrigin(ctx);
      const url = origin ? `${origin}${session.path}` : ctx.deps.urls.apiUrl(session.path);
      return { status: 201, body: { id: session.id, logplex_url: url, created_at: now, updated_at: now } };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/log-drains',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const body = await ctx.body();
      if (body.url === undefined) throw new PlatformError('invalid_params', 'url is required, e.g. {"url":"syslog+tls://logs.example.com:6514"}.');
      return { status: 201, body: drainJson(ctx, app, await ctx.deps.logplex.addDrain(app.id, body.url)) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/log-drains',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: (await ctx.deps.logplex.listDrains(app.id)).map((d) => drainJson(ctx, app, d)) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/log-drains/:drain',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const key = ctx.params.drain as string;
      const drain = (await ctx.deps.logplex.listDrains(app.id)).find((d) => d.id === key || d.url === key || d.token === key);
      if (!drain) throw new PlatformError('not_found', `Couldn't find that log drain: ${key}.`);
      return { status: 200, body: drainJson(ctx, app, drain) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/log-drains/:drain',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: drainJson(ctx, app, await ctx.deps.logplex.removeDrain(app.id, ctx.params.drain as string)) };
    },
  },
];
