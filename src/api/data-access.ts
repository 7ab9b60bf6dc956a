/**
 * Finding data add-ons for the data API: by id or name (the account needs the route's permission
 * on one of the apps it is attached to, or its billing app — a stranger gets the same 404 as for
 * a missing one), or by the
 * `DATABASE` argument of `pg:*` on an app (attachment name, `…_URL` config var, add-on name or
 * id, `app::NAME` for another app), as Heroku's CLI resolves it.
 */
import { invalidParams, notFound, PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { RequestContext } from './context.js';
import type { DataAddon } from './data-port.js';
import { findAccessibleApp, requireOnAnyApp } from './app-access.js';

export const POSTGRES_SERVICE = 'heroku-postgresql';
export const REDIS_SERVICE = 'heroku-redis';

const kind = (service: string) => (service === REDIS_SERVICE ? 'Redis database' : 'database');

function port(ctx: RequestContext) {
  if (!ctx.deps.data) throw new PlatformError('not_found', 'This Berth has no data services configured.');
  return ctx.deps.data;
}

/** The add-on's billing app and the apps it is attached to. */
async function appsOf(ctx: RequestContext, addon: DataAddon): Promise<App[]> {
  const apps: App[] = [];
  for (const appId of new Set([addon.appId, ...addon.attachments.map((a) => a.appId)])) {
    const app = await ctx.deps.store.apps.findById(appId);
    if (app) apps.push(app);
  }
  return apps;
}

/**
 * The add-on with this id or name, of `service`, on whose billing app or an attached app the
 * account holds the route's permission; 404 for a stranger, 403 without the permission.
 */
export async function findDataAddon(ctx: RequestContext, identity: string, service: string): Promise<DataAddon> {
  const addon = await port(ctx).findAddon(identity);
  if (!addon || addon.service !== service || addon.state === 'deprovisioned') throw notFound(kind(service), identity);
  await requireOnAnyApp(ctx, await appsOf(ctx, addon), notFound(kind(service), identity));
  return addon;
}

/** The attachment names of `addon` on `app` (`DATABASE`, `HEROKU_POSTGRESQL_RED`). */
export function attachmentNames(addon: DataAddon, appId: string): string[] {
  return addon.attachments.filter((a) => a.appId === appId).map((a) => a.name);
}

/** What the add-on is called in transfers and messages on its billing app: its first attachment there, else its name. */
export function displayName(addon: DataAddon): string {
  return attachmentNames(addon, addon.appId)[0] ?? addon.name;
}

/**
 * Resolves a `pg:*` / `redis:*` DATABASE argument on an app. Without one: the `DATABASE`
 * (or `REDIS`) attachment, else the only add-on of the service.
 */
export async function resolveOnApp(ctx: RequestContext, app: App, argument: string | undefined, service: string): Promise<DataAddon> {
  if (argument?.includes('::')) {
    const [appName, rest] = argument.split('::', 2) as [string, string];
    return resolveOnApp(ctx, await findAccessibleApp(ctx, appName), rest, service);
  }
  const addons = (await port(ctx).listForApp(app.id)).filter((a) => a.service === service && a.state !== 'deprovisioned');
  if (addons.length === 0) throw notFound(kind(service), `${app.name} has no ${service} add-ons`);
  const options = addons.flatMap((a) => attachmentNames(a, app.id));
  if (argument === undefined || argument === '') {
    const primary = service === REDIS_SERVICE ? 'REDIS' : 'DATABASE';
    const found = addons.find((a) => attachmentNames(a, app.id).includes(primary)) ?? (addons.length === 1 ? addons[0] : undefined);
    if (!found) throw invalidParams(`${app.name} has several ${service} add-ons and none is attached as ${primary}: name one of ${options.join(', ')}.`);
    return found;
  }
  const wanted = argument.toUpperCase().replace(/_URL$/, '');
  const found =
    addons.find((a) => attachmentNames(a, app.id).some((n) => n.toUpperCase() === wanted)) ??
    addons.find((a) => attachmentNames(a, app.id).some((n) => n.toUpperCase() === `HEROKU_POSTGRESQL_${wanted}`)) ??
    addons.find((a) => a.name === argument || a.id === argument.toLowerCase());
  if (!found) throw notFound(kind(service), `${argument} on ${app.name}. Valid options are: ${options.join(', ')}`);
  return found;
}

/** The add-on's URL config (`URL` suffix); a 422 when it has none yet. */
export function addonUrl(addon: DataAddon): string {
  const url = addon.config.URL;
  if (!url) throw invalidParams(`${addon.name} is not provisioned yet (it has no URL). Wait for it with \`berth addons:info ${addon.name}\`.`);
  return url;
}
