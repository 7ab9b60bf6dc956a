import { parsePermissions, type AppPermission } from '../../core/access-policy.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { identityField } from '../addon-params.js';
import { changeOwner, transferLine } from '../app-ownership.js';
import { findAccount } from '../find-account.js';
import { MAX_PAGE_SIZE } from '../../core/range.js';
import { serializeCollaborator } from '../serialize-collaborator.js';
import { routeTeam } from '../team-access.js';
import { appJson, createAppFromBody } from './apps.js';
import { stackNoticeHeaders, stackParam } from '../stack-param.js';

/** A team app: the app plus `joined` and `locked` (Berth has neither app locking nor joining). */
const teamAppJson = async (ctx: RequestContext, app: App) => ({ ...(await appJson(ctx, app)), joined: false, locked: false });
import { addCollaborator, collaboratorViews, removeCollaborator } from './collaborators.js';

/**
 * Team apps: created in a team (`POST /teams/apps`), listed per team, moved between a team and
 * an account (`PATCH /teams/apps/:app {"owner"}`, `heroku apps:transfer`), and their members'
 * per-app permissions (`/teams/apps/:app/collaborators`, `heroku access:add/update`).
 */

function permissionsField(body: Record<string, unknown>): AppPermission[] {
  const parsed = parsePermissions(body.permissions ?? ['view']);
  if (!parsed) throw new PlatformError('invalid_params', 'permissions must list view, deploy, operate or manage, e.g. {"permissions": ["view", "deploy"]}.');
  return parsed;
}

function teamApp(app: App): App {
  if (app.teamId === null) throw new PlatformError('invalid_params', `${app.name} is a personal app, not a team app: use /apps/${app.name}/collaborators (berth access:add).`);
  return app;
}

async function collaboratorOf(ctx: RequestContext, app: App, identity: string) {
  const wanted = identity.toLowerCase();
  const found = (await collaboratorViews(ctx, app)).find((v) => v.id === wanted || v.account.id === wanted || v.account.email.toLowerCase() === wanted);
  if (!found) throw notFound('collaborator', identity);
  return found;
}

const appRoutes: Route[] = [
  {
    method: 'GET',
    path: '/teams/:team/apps',
    access: { team: 'member' },
    async handler(ctx) {
      const page = { field: 'name', startExclusive: false, max: MAX_PAGE_SIZE, order: 'asc' } as const;
      const apps = await ctx.deps.store.apps.list({ teamId: routeTeam(ctx).id }, page);
      return { status: 200, body: await Promise.all(apps.items.map((app) => teamAppJson(ctx, app))) };
    },
  },
  {
    method: 'POST',
    path: '/teams/apps',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const team = await ctx.access.policy.findTeam(ctx.account, identityField(body, 'team', 'my-team'), 'member');
      const headers = stackNoticeHeaders(stackParam(body.stack));
      return { status: 201, body: await teamAppJson(ctx, await createAppFromBody(ctx, body, team.id)), ...(headers ? { headers } : {}) };
    },
  },
  {
    method: 'GET',
    path: '/teams/apps/:app',
    access: { app: 'view' },
    handler: async (ctx) => ({ status: 200, body: await teamAppJson(ctx, routeApp(ctx)) }),
  },
  {
    method: 'PATCH',
    path: '/teams/apps/:app',
    access: { app: 'manage' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const body = await ctx.body();
      const owner = identityField(body, 'owner', 'my-team');
      const team = owner.includes('@') ? undefined : await ctx.deps.store.teams.findByName(owner);
      let updated: App;
      if (team) {
        // Into a team: the caller must belong to it.
        await ctx.access.policy.findTeam(ctx.account, team.id, 'member');
        updated = await ctx.deps.store.transaction((tx) => changeOwner(tx, app, { ownerId: app.ownerId, teamId: team.id }));
        ctx.deps.logs.emit(app.id, 'api', `Transfer to team ${team.name} by user ${ctx.account.email}`);
      } else {
        const account = await findAccount(ctx, owner);
        if (app.teamId === null) throw new PlatformError('invalid_params', `${app.name} is a personal app: offer it with POST /account/app-transfers (berth apps:transfer ${account.email}).`);
        updated = await ctx.deps.store.transaction(async (tx) => {
          const moved = await changeOwner(tx, app, { ownerId: account.id, teamId: null });
          // As on Heroku, a team app that leaves its team keeps no collaborators.
          for (const row of await tx.collaborators.listForApp(app.id)) await tx.collaborators.remove(row.id);
          return moved;
        });
        ctx.deps.logs.emit(app.id, 'api', transferLine(account, ctx.account));
      }
      return { status: 200, body: await teamAppJson(ctx, updated) };
    },
  },
];

const collaboratorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/teams/apps/:app/collaborators',
    access: { app: 'view' },
    handler: async (ctx) => ({ status: 200, body: (await collaboratorViews(ctx, routeApp(ctx))).map(serializeCollaborator) }),
  },
  {
    method: 'POST',
    path: '/teams/apps/:app/collaborators',
    access: { app: 'manage' },
    async handler(ctx) {
      const app = teamApp(routeApp(ctx));
      const body = await ctx.body();
      return { status: 201, body: serializeCollaborator(await addCollaborator(ctx, app, body, permissionsField(body))) };
    },
  },
  {
    method: 'GET',
    path: '/teams/apps/:app/collaborators/:collaborator',
    access: { app: 'view' },
    handler: async (ctx) => ({ status: 200, body: serializeCollaborator(await collaboratorOf(ctx, routeApp(ctx), ctx.params.collaborator as string)) }),
  },
  {
    method: 'PATCH',
    path: '/teams/apps/:app/collaborators/:collaborator',
    access: { app: 'manage' },
    async handler(ctx) {
      const app = teamApp(routeApp(ctx));
      const body = await ctx.body();
      const permissions = permissionsField(body);
      const identity = ctx.params.collaborator as string;
      let found = (await collaboratorViews(ctx, app)).find((v) => v.account.email.toLowerCase() === identity.toLowerCase() || v.id === identity.toLowerCase() || v.account.id === identity.toLowerCase());
      if (!found) {
        // A team member without a row of their own yet (they hold view through the team).
        const account = await findAccount(ctx, identity);
        if (!(await ctx.deps.store.teams.member(app.teamId as string, account.id))) throw notFound('collaborator', identity);
        found = await addCollaborator(ctx, app, { user: account.email }, permissions);
      } else {
        await ctx.deps.store.collaborators.setPermissions(found.id, permissions);
        found = { ...found, permissions };
      }
      ctx.deps.logs.emit(app.id, 'api', `Set ${found.account.email} permissions to ${permissions.join(', ')} by user ${ctx.account.email}`);
      return { status: 200, body: serializeCollaborator(found) };
    },
  },
  {
    method: 'DELETE',
    path: '/teams/apps/:app/collaborators/:collaborator',
    access: { app: 'view' },
    handler: async (ctx) => ({ status: 200, body: serializeCollaborator(await removeCollaborator(ctx, routeApp(ctx), ctx.params.collaborator as string)) }),
  },
];

/**
 * The same collaborator routes under the team's path (`/teams/:team/apps/:app/collaborators`,
 * as issue 12 names them): the app must belong to that team, else it is the 404 of a missing app.
 */
const underTeam: Route[] = collaboratorRoutes.map((route) => ({
  ...route,
  path: route.path.replace('/teams/apps/', '/teams/:team/apps/'),
  async handler(ctx) {
    const app = routeApp(ctx);
    const team = app.teamId === null ? undefined : await ctx.deps.store.teams.findById(app.teamId);
    const named = (ctx.params.team as string).toLowerCase();
    if (!team || (team.name !== named && team.id !== named)) throw notFound('app', ctx.params.app as string);
    return route.handler(ctx);
  },
}));

export const teamAppRoutes: Route[] = [...appRoutes, ...collaboratorRoutes, ...underTeam];
