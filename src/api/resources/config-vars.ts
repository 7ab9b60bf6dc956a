import { applyConfigPatch, describeConfigChange } from '../../core/config-vars.js';
import type { Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { announceRelease } from '../releasing.js';

/**
 * Config vars: GET the map; PATCH merges (`null` deletes) and answers the whole map. Every real
 * change is a new release with the current slug, created in the same transaction as the change.
 */
export const configVarRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/config-vars',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: await ctx.deps.store.configVars.get(app.id) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/config-vars',
    access: { app: 'deploy' },
    async handler(ctx) {
      const patch = await ctx.body();
      const app = routeApp(ctx);
      const user = { id: ctx.account.id, email: ctx.account.email };
      const { vars, release } = await ctx.deps.store.transaction(async (tx) => {
        const change = applyConfigPatch(await tx.configVars.lock(app.id), patch);
        if (change.set.length === 0 && change.removed.length === 0) return { vars: change.next, release: undefined };
        const created = await tx.releases.create({ appId: app.id, configVars: change.next, description: describeConfigChange(change), user });
        return { vars: change.next, release: created };
      });
      if (release) announceRelease(ctx.deps, app, release);
      return { status: 200, body: vars };
    },
  },
];
