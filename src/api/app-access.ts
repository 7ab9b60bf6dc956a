/**
 * The API's side of the access policy (core/access-policy.ts, accounts/app-policy.ts): the app a
 * route's `:app` names, resolved by the server under the route's rule, and the calls handlers
 * of `via: 'handler'` routes make once they found the app another way (by add-on, database or
 * body). A missing app and another user's app get the same 404, so nobody learns which names exist.
 */
import type { AppPermission } from '../core/access-policy.js';
import type { PlatformError } from '../core/errors.js';
import type { Account, App } from '../core/model.js';
import { isUuid } from '../accounts/app-policy.js';
import type { RequestContext } from './context.js';

export { isUuid };

type Ctx = Pick<RequestContext, 'access' | 'account'>;

/** The permission the route's rule names (view for routes without an app rule). */
function ruleNeed(ctx: Ctx): AppPermission {
  const rule = ctx.access.rule;
  return typeof rule === 'object' && 'app' in rule ? rule.app : 'view';
}

/** The app named by the route's `:app`, which the server resolved and authorized before the handler. */
export function routeApp(ctx: Pick<RequestContext, 'access'>): App {
  const app = ctx.access.app;
  if (!app) throw new Error('routeApp called on a route whose rule does not resolve :app');
  return app;
}

/** An app by id or name on which the caller holds `need` (default: the route's); see AppPolicy.find. */
export async function findAccessibleApp(ctx: Ctx, identity: string, need: AppPermission = ruleNeed(ctx)): Promise<App> {
  const app = await ctx.access.policy.find(ctx.account, identity, need);
  ctx.access.checked = true;
  return app;
}

/**
 * Throws unless the caller holds `need` (default: the route's) on the app; `hidden` is what a
 * stranger gets (default: the app's 404). See AppPolicy.require.
 */
export async function requireOnApp(ctx: Ctx, app: App, hidden?: PlatformError, need: AppPermission = ruleNeed(ctx)): Promise<void> {
  await ctx.access.policy.require(ctx.account, app, need, hidden);
  ctx.access.checked = true;
}

/**
 * For a resource reachable from several apps (an add-on: its billing app and the apps it is
 * attached to): passes when the caller holds `need` on one of them, answers `hidden` (a 404
 * naming the resource) when they see none, and a 403 when they see one without `need`.
 */
export async function requireOnAnyApp(ctx: Ctx, apps: App[], hidden: PlatformError, need: AppPermission = ruleNeed(ctx)): Promise<App> {
  let seen: App | undefined;
  for (const app of apps) {
    const held = await ctx.access.policy.permissions(ctx.account, app);
    if (held.includes(need)) {
      ctx.access.checked = true;
      return app;
    }
    if (held.length > 0) seen ??= app;
  }
  if (seen) await ctx.access.policy.require(ctx.account, seen, need, hidden);
  throw hidden;
}

/** True when the caller holds `need` on the app (to leave out what a lesser permission must not see). */
export async function holds(ctx: Ctx, app: App, need: AppPermission): Promise<boolean> {
  return (await ctx.access.policy.permissions(ctx.account, app)).includes(need);
}

/** True when the caller may see the app at all (list filters). */
export function canSee(ctx: Ctx, app: App): Promise<boolean> {
  return ctx.access.policy.sees(ctx.account, app);
}

/** The owner record for serializing an app (the caller is often the owner). */
export async function ownerOf(ctx: Pick<RequestContext, 'account' | 'deps'>, app: App): Promise<Account> {
  if (app.ownerId === ctx.account.id) return ctx.account;
  const owner = await ctx.deps.store.accounts.findById(app.ownerId);
  if (!owner) throw new Error(`app ${app.id} has no owner ${app.ownerId}`);
  return owner;
}
