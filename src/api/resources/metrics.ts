// GET /apps/:app/metrics (a Berth extension): the app's router, dyno and event series by minute.
import { invalidParams } from '../../core/errors.js';
import { isMetricsRange, mergeRows, metricsSeries, metricsWindow, METRICS_RANGES } from '../../core/metrics-series.js';
import { routeApp } from '../app-access.js';
import type { Route } from '../context.js';

export const metricsRoutes: Route[] = [
  {
    // Finished minutes come from the store (kept 24 h); the host agent's rings add the current
    // minute and any not flushed yet (theirs win where both have one). Without the agent: the store.
    method: 'GET',
    path: '/apps/:app/metrics',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const range = ctx.url.searchParams.get('range') ?? '1h';
      if (!isMetricsRange(range)) throw invalidParams(`range must be one of ${Object.keys(METRICS_RANGES).join(', ')}, not ${JSON.stringify(range)}.`);
      const now = ctx.deps.now().getTime();
      const { from, to } = metricsWindow(range, now);
      const stored = await ctx.deps.store.appMetrics.read(app.id, from, to);
      const live = (await ctx.deps.metrics?.recent(app.id, from, to)) ?? { minutes: [], dynos: [] };
      const minutes = mergeRows(stored.minutes, live.minutes);
      const dynos = mergeRows(stored.dynos, live.dynos);
      return { status: 200, body: metricsSeries({ id: app.id, name: app.name }, range, now, minutes, dynos) };
    },
  },
];
