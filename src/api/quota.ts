import type { AccountQuota } from '../core/account-quota.js';
import type { App } from '../core/model.js';
import type { RequestContext } from './context.js';

/**
 * The quota that governs an app: its owner's. Apps an admin owns have none (the operator's
 * own apps are bounded only by the host's aggregate limits, see runtime/host-capacity.ts).
 */
export async function quotaOf(ctx: RequestContext, app: App): Promise<AccountQuota | undefined> {
  const owner = app.ownerId === ctx.account.id ? ctx.account : await ctx.deps.store.accounts.findById(app.ownerId);
  if (owner?.isAdmin) return undefined;
  return ctx.deps.store.accountQuotas.get(app.ownerId);
}
