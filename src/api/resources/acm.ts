// Automatic Certificate Management per app: Heroku's `POST/PATCH/DELETE /apps/:app/acm`.
import { ACM_SETTING } from '../../core/acme-plan.js';
import { PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { notifyPlatform } from '../releasing.js';
import { appJson } from './apps.js';

function requireAcm(ctx: RequestContext): NonNullable<RequestContext['deps']['acm']> {
  if (!ctx.deps.acm) {
    throw new PlatformError('acm_unavailable', 'Automatic certificates are off on this Berth: it runs with --acme off, or its domain has no public name. Upload a certificate with `berth certs:add CERT KEY` instead.');
  }
  return ctx.deps.acm;
}

/** Turns ACM on or off for the app; the certificate manager looks at it again either way. */
async function setAcm(ctx: RequestContext, enabled: boolean) {
  const acm = requireAcm(ctx);
  const app: App = routeApp(ctx);
  const { changed } = await ctx.deps.store.appFeatures.set(app.id, ACM_SETTING, enabled);
  if (changed) notifyPlatform(ctx.deps, 'appChanged', app.id, () => ctx.deps.platform.appChanged(app));
  acm.kick();
  return { status: 200, body: await appJson(ctx, app) };
}

/**
 * `certs:auto:enable` (POST), `certs:auto:disable` (DELETE) and `certs:auto:refresh` (PATCH
 * `{"acm_refresh": true}`: every hostname of the app is attempted now, failed ones included).
 * The answer is the app, whose `acm` says the state.
 */
export const acmRoutes: Route[] = [
  { method: 'POST', path: '/apps/:app/acm', access: { app: 'operate' }, handler: (ctx) => setAcm(ctx, true) },
  { method: 'DELETE', path: '/apps/:app/acm', access: { app: 'operate' }, handler: (ctx) => setAcm(ctx, false) },
  {
    method: 'PATCH',
    path: '/apps/:app/acm',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const acm = requireAcm(ctx);
      const app = routeApp(ctx);
      if (body.acm_refresh !== true) throw new PlatformError('invalid_params', 'acm_refresh must be true, e.g. {"acm_refresh": true}.');
      const now = ctx.deps.now().toISOString();
      for (const row of await ctx.deps.store.acmeCertificates.list(app.id)) {
        if (row.status !== 'ok') await ctx.deps.store.acmeCertificates.save({ ...row, status: row.status === 'failed' ? 'failed' : 'pending', nextAttemptAt: row.status === 'failed' ? null : now });
      }
      acm.kick();
      return { status: 200, body: await appJson(ctx, app) };
    },
  },
];
