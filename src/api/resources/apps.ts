import { randomAppName, validateAppName } from '../../core/app-name.js';
import { PlatformError } from '../../core/errors.js';
import { REGION } from '../../core/model.js';
import { stackNoticeHeaders, stackParam } from '../stack-param.js';
import type { Account, App } from '../../core/model.js';
import { adminOnlyMessage } from '../../core/access-policy.js';
import { changeOwner, transferLine } from '../app-ownership.js';
import { findAccount } from '../find-account.js';
import type { CurrentReleaseSummary } from '../../store/port.js';
import type { Route, RequestContext } from '../context.js';
import { AddonLifecycle } from '../addon-lifecycle.js';
import { ownerOf, requireOnApp, routeApp } from '../app-access.js';
import { pageReply, pageRequest } from '../page-reply.js';
import { announceRelease, notifyPlatform } from '../releasing.js';
import { serializeApp } from '../serialize.js';
import { appAcm } from '../acm-setting.js';
import { teamOwnerEmail } from '../serialize-team.js';

const APP_RANGE_FIELDS = ['id', 'name'] as const;

export async function appJson(ctx: RequestContext, app: App, current?: CurrentReleaseSummary | null) {
  const summary = current === undefined ? (await ctx.deps.store.releases.currentSummaries([app.id])).get(app.id) : (current ?? undefined);
  const team = app.teamId === null ? undefined : await ctx.deps.store.teams.findById(app.teamId);
  // A team app's owner is the team, as Heroku shows it (`TEAM@herokumanager.com`).
  const owner = team ? { id: team.id, email: teamOwnerEmail(team) } : await ownerOf(ctx, app);
  return { ...serializeApp(app, owner, ctx.deps.urls, summary, await ctx.deps.disk.repoSize(app.id), team), acm: await appAcm(ctx, app) };
}

/** Creates the app and its v1 "Initial release" together, as Heroku does. */
async function createApp(ctx: RequestContext, name: string, region: string, stack: string, teamId: string | null = null): Promise<App> {
  const user = { id: ctx.account.id, email: ctx.account.email };
  const { app, release } = await ctx.deps.store.transaction(async (tx) => {
    const created = await tx.apps.create({ name, ownerId: ctx.account.id, region, stack, teamId });
    // A team member who is not a team admin keeps every permission on the app they create.
    if (teamId !== null && (await tx.teams.member(teamId, ctx.account.id))?.role !== 'admin') {
      await tx.collaborators.add({ appId: created.id, accountId: ctx.account.id, permissions: ['view', 'deploy', 'operate', 'manage'] });
    }
    return { app: created, release: await tx.releases.create({ appId: created.id, slugId: null, description: 'Initial release', user }) };
  });
  announceRelease(ctx.deps, app, release);
  ctx.deps.events.publish({ entity: 'api:app', action: 'create', appId: app.id, actor: user });
  return app;
}

/** `POST /apps` and `POST /teams/apps`: a named app, or a random name (retried on a clash). */
export async function createAppFromBody(ctx: RequestContext, body: Record<string, unknown>, teamId: string | null): Promise<App> {
  const region = checkRegion(body.region);
  const stack = stackParam(body.stack).name;
  const create = (name: string) => createApp(ctx, name, region, stack, teamId);
  if (body.name !== undefined && body.name !== null) return create(validateAppName(body.name));
  for (let attempt = 0; ; attempt++) {
    try {
      return await create(randomAppName(Math.random));
    } catch (err) {
      if (!(err instanceof PlatformError && err.id === 'conflict') || attempt >= 5) throw err;
    }
  }
}

/**
 * Deletes the app: its own add-ons are deprovisioned first (and detached from apps that share
 * them); the platform cancels its builds, the store cascades to every row it owns, and the
 * platform then stops its dynos and removes its files (slugs, caches, repository, logs).
 */
async function deleteApp(ctx: RequestContext, app: App): Promise<void> {
  await new AddonLifecycle(ctx.deps).destroyAppAddons(app, { id: ctx.account.id, email: ctx.account.email });
  await ctx.deps.platform.destroyApp(app, async () => {
    await ctx.deps.store.apps.delete(app.id);
  });
}

function checkRegion(value: unknown): string {
  if (value === undefined || value === null) return REGION.name;
  if (value === REGION.name || value === REGION.id) return REGION.name;
  throw new PlatformError('invalid_params', `Region ${JSON.stringify(value)} does not exist: this install has one region, "${REGION.name}".`);
}


/** `PATCH /apps/:app {"owner"}`: an admin moves an app to another account at once (others offer it: POST /account/app-transfers). */
async function ownerForAdmin(ctx: RequestContext, app: App, value: unknown): Promise<Account | undefined> {
  if (!ctx.account.isAdmin) throw new PlatformError('forbidden', adminOnlyMessage('change an app\'s owner directly; the owner offers it with berth apps:transfer EMAIL (POST /account/app-transfers)'));
  const identity = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? ((value as Record<string, unknown>).email ?? (value as Record<string, unknown>).id) : undefined;
  if (typeof identity !== 'string' || identity === '') throw new PlatformError('invalid_params', 'owner must be an account email or id, e.g. {"owner": "teammate@example.com"}.');
  const account = await findAccount(ctx, identity);
  if (app.teamId === null && account.id === app.ownerId) return undefined;
  return account;
}

async function listApps(ctx: RequestContext, ownerOnly: boolean) {
  const page = pageRequest(ctx, APP_RANGE_FIELDS);
  // An admin lists every app; anyone else the apps they own, collaborate on or whose team they are in.
  const filter = ownerOnly ? { ownerId: ctx.account.id } : ctx.account.isAdmin ? {} : { accessibleBy: ctx.account.id };
  const result = await ctx.deps.store.apps.list(filter, page);
  const summaries = await ctx.deps.store.releases.currentSummaries(result.items.map((app) => app.id));
  const body = await Promise.all(result.items.map((app) => appJson(ctx, app, summaries.get(app.id) ?? null)));
  return pageReply(page, result, body);
}

export const appRoutes: Route[] = [
  {
    method: 'POST',
    path: '/apps',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const headers = stackNoticeHeaders(stackParam(body.stack));
      return { status: 201, body: await appJson(ctx, await createAppFromBody(ctx, body, null)), ...(headers ? { headers } : {}) };
    },
  },
  { method: 'GET', path: '/apps', access: 'account', handler: (ctx) => listApps(ctx, false) },
  {
    method: 'GET',
    path: '/users/:user/apps',
    access: 'account',
    async handler(ctx) {
      const user = ctx.params.user as string;
      if (user !== '~' && user !== ctx.account.id && user.toLowerCase() !== ctx.account.email) {
        throw new PlatformError('not_found', `Couldn't find that user: ${user}.`);
      }
      return listApps(ctx, true);
    },
  },
  {
    method: 'GET',
    path: '/apps/:app',
    access: { app: 'view' },
    async handler(ctx) {
      return { status: 200, body: await appJson(ctx, routeApp(ctx)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const changes: { name?: string; maintenance?: boolean; buildStack?: string } = {};
      // Renaming is owner-level (manage); maintenance and the stack are operations (the route's rule).
      if (body.name !== undefined) {
        changes.name = validateAppName(body.name);
        if (changes.name !== app.name) await requireOnApp(ctx, app, undefined, 'manage');
      }
      if (body.maintenance !== undefined) {
        if (typeof body.maintenance !== 'boolean') throw new PlatformError('invalid_params', 'maintenance must be true or false.');
        changes.maintenance = body.maintenance;
      }
      const buildStack = body.build_stack === undefined ? undefined : stackParam(body.build_stack, 'build_stack');
      if (buildStack) changes.buildStack = buildStack.name;
      const newOwner = body.owner === undefined ? undefined : await ownerForAdmin(ctx, app, body.owner);
      let updated = Object.keys(changes).length === 0 ? app : await ctx.deps.store.apps.update(app.id, changes);
      if (newOwner) {
        const before = updated;
        updated = await ctx.deps.store.transaction((tx) => changeOwner(tx, before, { ownerId: newOwner.id, teamId: null }));
        ctx.deps.logs.emit(app.id, 'api', transferLine(newOwner, ctx.account));
      }
      if (updated !== app) {
        notifyPlatform(ctx.deps, 'appChanged', app.id, () => ctx.deps.platform.appChanged(updated));
        const previous = { ...(changes.name !== undefined ? { name: app.name } : {}), ...(changes.maintenance !== undefined ? { maintenance: app.maintenance } : {}) };
        ctx.deps.events.publish({ entity: 'api:app', action: 'update', appId: app.id, previous, actor: { id: ctx.account.id, email: ctx.account.email } });
      }
      const headers = stackNoticeHeaders(buildStack);
      return { status: 200, body: await appJson(ctx, updated), ...(headers ? { headers } : {}) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app',
    access: { app: 'manage' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const body = await appJson(ctx, app);
      await deleteApp(ctx, app);
      return { status: 200, body };
    },
  },
];
