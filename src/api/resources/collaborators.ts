import { COLLABORATOR_PERMISSIONS, parsePermissions, type AppPermission } from '../../core/access-policy.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import { findAccount } from '../find-account.js';
import type { RequestContext, Route } from '../context.js';
import { ownerOf, requireOnApp, routeApp } from '../app-access.js';
import { identityField } from '../addon-params.js';
import { serializeCollaborator, type CollaboratorView } from '../serialize-collaborator.js';
import { teamRoleOf } from '../team-access.js';

/**
 * Who works on an app: the owner (personal apps) and collaborators, each with Heroku's app
 * permissions (src/core/access-policy.ts). Listing needs view; adding and removing need manage,
 * except that a collaborator may always remove themselves (`heroku apps:leave`).
 */

/** Everyone with standing on the app, as Heroku lists collaborators (team admins come from /teams/:team/members). */
export async function collaboratorViews(ctx: RequestContext, app: App): Promise<CollaboratorView[]> {
  const views: CollaboratorView[] = [];
  if (app.teamId === null) {
    const owner = await ownerOf(ctx, app);
    views.push({ app, id: owner.id, account: owner, permissions: ['view', 'deploy', 'operate', 'manage'], role: 'owner', createdAt: app.createdAt, updatedAt: app.updatedAt });
  }
  for (const row of await ctx.deps.store.collaborators.listForApp(app.id)) {
    const account = await ctx.deps.store.accounts.findById(row.accountId);
    if (!account) continue;
    const role = app.teamId === null ? 'collaborator' : ((await teamRoleOf(ctx, app.teamId, account.id)) ?? 'collaborator');
    views.push({ app, id: row.id, account, permissions: row.permissions, role, createdAt: row.createdAt, updatedAt: row.updatedAt });
  }
  return views;
}

/** The collaborator named by email, account id or collaborator id; the owner's entry included. */
async function findCollaborator(ctx: RequestContext, app: App, identity: string): Promise<CollaboratorView> {
  const wanted = identity.toLowerCase();
  const found = (await collaboratorViews(ctx, app)).find((v) => v.id === wanted || v.account.id === wanted || v.account.email.toLowerCase() === wanted);
  if (!found) throw notFound('collaborator', identity);
  return found;
}

/** Adds the account named by `body.user` to the app with `permissions`; the checks of issue 12's bad input. */
export async function addCollaborator(ctx: RequestContext, app: App, body: Record<string, unknown>, permissions: readonly AppPermission[]): Promise<CollaboratorView> {
  const identity = identityField(body, 'user', 'teammate@example.com');
  if (body.silent !== undefined && typeof body.silent !== 'boolean') throw new PlatformError('invalid_params', 'silent must be true or false.');
  const account = await findAccount(ctx, identity);
  if (app.teamId === null && account.id === app.ownerId) throw new PlatformError('invalid_params', `${account.email} owns ${app.name} already; an owner needs no collaborator access.`);
  if (await ctx.deps.store.collaborators.find(app.id, account.id)) throw new PlatformError('conflict', `${account.email} is already a collaborator on ${app.name}.`);
  const row = await ctx.deps.store.collaborators.add({ appId: app.id, accountId: account.id, permissions });
  const role = app.teamId === null ? 'collaborator' : ((await teamRoleOf(ctx, app.teamId, account.id)) ?? 'collaborator');
  ctx.deps.logs.emit(app.id, 'api', `Add ${account.email} as a collaborator by user ${ctx.account.email}`);
  return { app, id: row.id, account, permissions: row.permissions, role, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** Removes a collaborator (manage, or the collaborator themselves); the owner cannot be removed. */
export async function removeCollaborator(ctx: RequestContext, app: App, identity: string): Promise<CollaboratorView> {
  const found = await findCollaborator(ctx, app, identity);
  if (found.account.id !== ctx.account.id) await requireOnApp(ctx, app, undefined, 'manage');
  if (found.role === 'owner') {
    throw new PlatformError('invalid_params', `${found.account.email} owns ${app.name} and cannot be removed: an app always has an owner. Transfer it first (berth apps:transfer).`);
  }
  await ctx.deps.store.collaborators.remove(found.id);
  ctx.deps.logs.emit(app.id, 'api', `Remove ${found.account.email} as a collaborator by user ${ctx.account.email}`);
  return found;
}

export const collaboratorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/collaborators',
    access: { app: 'view' },
    async handler(ctx) {
      return { status: 200, body: (await collaboratorViews(ctx, routeApp(ctx))).map(serializeCollaborator) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/collaborators/:collaborator',
    access: { app: 'view' },
    async handler(ctx) {
      return { status: 200, body: serializeCollaborator(await findCollaborator(ctx, routeApp(ctx), ctx.params.collaborator as string)) };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/collaborators',
    access: { app: 'manage' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const body = await ctx.body();
      let permissions: readonly AppPermission[] = COLLABORATOR_PERMISSIONS;
      if (app.teamId !== null && body.permissions !== undefined) {
        const parsed = parsePermissions(body.permissions);
        if (!parsed) throw new PlatformError('invalid_params', 'permissions must list view, deploy, operate or manage, e.g. {"permissions": ["deploy", "operate"]}.');
        permissions = parsed;
      } else if (app.teamId !== null) {
        permissions = ['view'];
      }
      return { status: 201, body: serializeCollaborator(await addCollaborator(ctx, app, body, permissions)) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/collaborators/:collaborator',
    // Removing someone else needs manage (checked in removeCollaborator); leaving needs only view.
    access: { app: 'view' },
    async handler(ctx) {
      return { status: 200, body: serializeCollaborator(await removeCollaborator(ctx, routeApp(ctx), ctx.params.collaborator as string)) };
    },
  },
];
