/**
 * The access policy: who may call what. Every API route declares an `Access` rule (the policy
 * table is the set of routes, src/api/resources/*.ts); git push and fetch, log sessions, output
 * streams and the run rendezvous go through the same rules (their secrets are only handed out by
 * routes the table guards). `decide` is the one function that judges a caller's standing on an
 * app against a needed permission. Pure: the store-backed half is src/accounts/app-policy.ts.
 */

/** Heroku's app permissions. `view` is implied by any of the others. */
export type AppPermission = 'view' | 'deploy' | 'operate' | 'manage';

export const APP_PERMISSIONS: readonly AppPermission[] = ['view', 'deploy', 'operate', 'manage'];

/** Heroku's descriptions of the permissions (`GET /teams/permissions`, collaborators' `permissions`). */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<AppPermission, string>> = {
  view: 'Can view the app: its builds, releases, dynos, add-ons and collaborators.',
  deploy: 'Can push and fetch code, change config vars, roll back, add and remove add-ons and run one-off dynos.',
  operate: 'Can scale, restart and stop dynos, turn maintenance on and off, read logs and manage drains, domains and certificates.',
  manage: 'Can rename, delete and transfer the app and manage who has access to it.',
};

/** Parses a permission list (`["deploy","operate"]` or `"deploy,operate"`); view is always added. Undefined when one is unknown. */
export function parsePermissions(value: unknown): AppPermission[] | undefined {
  const names = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!names) return undefined;
  const wanted = new Set<string>(['view']);
  for (const name of names) {
    const text = typeof name === 'string' ? name : typeof name === 'object' && name !== null ? (name as { name?: unknown }).name : undefined;
    if (typeof text !== 'string' || !APP_PERMISSIONS.includes(text.trim() as AppPermission)) return undefined;
    wanted.add(text.trim());
  }
  return APP_PERMISSIONS.filter((p) => wanted.has(p));
}

/** What a personal app's collaborator holds: everything but `manage` (delete, rename, transfer, collaborators). */
export const COLLABORATOR_PERMISSIONS: readonly AppPermission[] = ['view', 'deploy', 'operate'];

/**
 * Who may call a route.
 * - `public`: no account; the route checks its own credential (a signed URL, a partner token).
 * - `account`: any signed-in account (what it sees is scoped to it).
 * - `{ admin }`: an admin account; the text completes "Only an admin can …" for everyone else.
 * - `{ app }`: the permission on the app named by the path's `:app`, checked before the handler.
 * - `{ app, via: 'handler' }`: the handler finds the app (by add-on, database or body) and asks
 *   the policy with this permission before acting; the server refuses to answer 2xx otherwise.
 * - `{ team }`: the role in the team the path's `:team` names (`member`: any member).
 */
export type Access = 'public' | 'account' | { admin: string } | { app: AppPermission; via?: 'handler' } | { team: TeamRole };

/** A role in a team: `admin` holds every permission on every team app and manages members. */
export type TeamRole = 'admin' | 'member';

/** Whether a team role (undefined: not a member) may do what needs `need` in the team; site admins pass as team admins. */
export function decideTeam(role: TeamRole | undefined, siteAdmin: boolean, need: TeamRole, teamName: string): Decision {
  if (siteAdmin) return { allow: true };
  if (role === undefined) return { allow: false, hidden: true };
  if (need === 'member' || role === 'admin') return { allow: true };
  return { allow: false, hidden: false, message: `This needs the admin role in team ${teamName}; you are a member. Ask a team admin.` };
}

/** A caller's standing on one app, as the store knows it. */
export interface Standing {
  /** An admin account (every permission on every app). */
  admin: boolean;
  /** The app's owner, or an admin of the team owning it (every permission). */
  owner: boolean;
  /** Granted permissions as collaborator or team member; empty for a stranger. */
  granted: readonly AppPermission[];
}

export type Decision =
  | { allow: true }
  /** `hidden`: a stranger, answered exactly like a missing app. */
  | { allow: false; hidden: true }
  | { allow: false; hidden: false; message: string };

/** Every permission the standing holds (owner and admin: all four). */
export function permissionsOf(standing: Standing): AppPermission[] {
  if (standing.admin || standing.owner) return [...APP_PERMISSIONS];
  if (standing.granted.length === 0) return [];
  return APP_PERMISSIONS.filter((p) => p === 'view' || standing.granted.includes(p));
}

/** Whether the standing may do what needs `need` on the app called `appName`. */
export function decide(standing: Standing, need: AppPermission, appName: string): Decision {
  const held = permissionsOf(standing);
  if (held.length === 0) return { allow: false, hidden: true };
  if (held.includes(need)) return { allow: true };
  return {
    allow: false,
    hidden: false,
    message: `This needs the ${need} permission on ${appName}; you have ${held.join(', ')}. ${need === 'manage' ? 'Ask the app owner.' : 'Ask someone with the manage permission to grant it.'}`,
  };
}

/** The message of a 403 for an `admin` route. */
export const adminOnlyMessage = (what: string): string => `Only an admin can ${what}.`;
