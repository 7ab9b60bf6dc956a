/**
 * The server's half of the policy table: before a handler runs, the route's rule is enforced
 * (admin, or the permission on the app its `:app` names); after it, a `via: 'handler'` route
 * must have asked the policy before answering 2xx (a route that forgot is a bug: 500, logged).
 */
import { adminOnlyMessage } from '../core/access-policy.js';
import { PlatformError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import type { AppPolicy } from '../accounts/app-policy.js';
import type { Reply, RequestAccess, Route } from './context.js';

export async function admit(route: Route, params: Record<string, string>, account: Account | undefined, policy: AppPolicy): Promise<RequestAccess> {
  const rule = route.access;
  const access: RequestAccess = { rule, policy, checked: false };
  if (rule === 'public') return access;
  if (!account) throw new Error(`${route.method} ${route.path} authenticates nobody but its rule is ${JSON.stringify(rule)}`);
  if (rule === 'account') return access;
  if ('admin' in rule) {
    if (!account.isAdmin) throw new PlatformError('forbidden', adminOnlyMessage(rule.admin));
    return access;
  }
  if ('team' in rule) {
    const team = params.team;
    if (team === undefined) throw new Error(`${route.method} ${route.path} has a team rule but no :team`);
    access.team = await policy.findTeam(account, team, rule.team);
    return access;
  }
  if (rule.via === 'handler') return access;
  const identity = params.app;
  if (identity === undefined) throw new Error(`${route.method} ${route.path} has an app rule but no :app`);
  access.app = await policy.find(account, identity, rule.app);
  access.checked = true;
  return access;
}

/** Throws when a `via: 'handler'` route answered 2xx without asking the policy. */
export function assertChecked(route: Route, access: RequestAccess, reply: Reply): void {
  if (access.checked || reply.status >= 300 || typeof access.rule !== 'object' || !('via' in access.rule)) return;
  throw new Error(`${route.method} ${route.path} answered ${reply.status} without asking the access policy`);
}
