// The app's `acm` attribute: automatic certificates on or off for the app.
import { ACM_SETTING } from '../core/acme-plan.js';
import type { App } from '../core/model.js';
import type { RequestContext } from './context.js';

/** On when this Berth has automatic certificates and the app did not turn them off (`certs:auto:disable`). */
export async function appAcm(ctx: RequestContext, app: App): Promise<boolean> {
  if (!ctx.deps.acm) return false;
  return (await ctx.deps.store.appFeatures.find(app.id, ACM_SETTING))?.enabled ?? true;
}
