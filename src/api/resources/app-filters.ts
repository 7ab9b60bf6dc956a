// POST /filters/apps {"in": {"id": [...]}}: the caller's apps among the given ids (pipelines:info/promote).
import { PlatformError } from '../../core/errors.js';
import type { Route } from '../context.js';
import { canSee, isUuid, ownerOf } from '../app-access.js';
import { serializeApp } from '../serialize.js';

export const appFilterRoutes: Route[] = [
  {
    method: 'POST',
    path: '/filters/apps',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const ids = (body.in as { id?: unknown } | undefined)?.id;
      if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => typeof id === 'string')) {
        throw new PlatformError('invalid_params', 'Send {"in": {"id": [app ids]}} with at most 1000 ids.');
      }
      const apps = [];
      for (const id of new Set(ids as string[])) {
        const app = isUuid(id) ? await ctx.deps.store.apps.findById(id.toLowerCase()) : undefined;
        if (app && (await canSee(ctx, app))) apps.push(app);
      }
      const summaries = await ctx.deps.store.releases.currentSummaries(apps.map((a) => a.id));
      const out = [];
      // Team-app shape: an app plus `joined` and `locked` (no team app is locked or joined here).
      for (const app of apps) out.push({ ...serializeApp(app, await ownerOf(ctx, app), ctx.deps.urls, summaries.get(app.id)), joined: false, locked: false });
      return { status: 200, body: out };
    },
  },
];
