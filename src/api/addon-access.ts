import type { CatalogPlan } from '../core/addon-catalog.js';
import { notFound } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Addon, AddonAttachment } from '../store/port.js';
import type { AppPermission } from '../core/access-policy.js';
import { canSee, isUuid, requireOnAnyApp } from './app-access.js';
import type { RequestContext } from './context.js';
import type { AddonView, AttachmentView } from './serialize-addons.js';

/**
 * Who may see which add-on and attachment, and the views the serializers need. An add-on is
 * visible to whoever may access its billing app or an app it is attached to; anything else is
 * the same 404 as a missing one.
 */

type Ctx = Pick<RequestContext, 'deps' | 'account' | 'access'>;

export const planOf = (ctx: Pick<RequestContext, 'deps'>, addon: Addon): CatalogPlan => ctx.deps.addons.catalog.storedPlan(addon.service, addon.plan);

async function appById(ctx: Ctx, appId: string): Promise<App> {
  const app = await ctx.deps.store.apps.findById(appId);
  if (!app) throw new Error(`app ${appId} is missing`);
  return app;
}

/** The add-on's billing app and the apps it is attached to. */
async function appsOfAddon(ctx: Ctx, addon: Addon): Promise<App[]> {
  const ids = new Set([addon.appId, ...(await ctx.deps.store.addonAttachments.listForAddon(addon.id)).map((a) => a.appId)]);
  return Promise.all([...ids].map((id) => appById(ctx, id)));
}

/** True when the account may see the billing app or an app the add-on is attached to. */
export async function canSeeAddon(ctx: Ctx, addon: Addon): Promise<boolean> {
  for (const app of await appsOfAddon(ctx, addon)) if (await canSee(ctx, app)) return true;
  return false;
}

/**
 * A live add-on by id or name on whose billing app or an attached app the account holds `need`
 * (default: the route's); the add-on's 404 for a stranger, 403 when it lacks `need`.
 */
export async function findVisibleAddon(ctx: Ctx, identity: string, need?: AppPermission): Promise<Addon> {
  const { addons } = ctx.deps.store;
  const addon = isUuid(identity) ? await addons.findById(identity.toLowerCase()) : await addons.findByName(identity);
  if (!addon || addon.state === 'deprovisioned') throw notFound('add-on', identity);
  await requireOnAnyApp(ctx, await appsOfAddon(ctx, addon), notFound('add-on', identity), need);
  return addon;
}

/**
 * An add-on of an accessible app: one it owns or has attached, by id, add-on name or attachment
 * name (`DATABASE`, also `DATABASE_URL`).
 */
export async function findAppAddon(ctx: Ctx, app: App, identity: string): Promise<Addon | undefined> {
  const { addons, addonAttachments } = ctx.deps.store;
  const attachments = await addonAttachments.listForApp(app.id);
  const byIdOrName = isUuid(identity) ? await addons.findById(identity.toLowerCase()) : await addons.findByName(identity);
  if (byIdOrName && byIdOrName.state !== 'deprovisioned' && (byIdOrName.appId === app.id || attachments.some((a) => a.addonId === byIdOrName.id))) return byIdOrName;
  const named = attachments.find((a) => a.name === identity || `${a.name}_URL` === identity);
  return named && (await addons.findById(named.addonId));
}

/** The add-ons an app owns or has attached, oldest first. */
export async function addonsOfApp(ctx: Ctx, app: App): Promise<Addon[]> {
  const owned = await ctx.deps.store.addons.listForApp(app.id);
  const seen = new Set(owned.map((a) => a.id));
  const attached: Addon[] = [];
  for (const attachment of await ctx.deps.store.addonAttachments.listForApp(app.id)) {
    if (seen.has(attachment.addonId)) continue;
    seen.add(attachment.addonId);
    const addon = await ctx.deps.store.addons.findById(attachment.addonId);
    if (addon) attached.push(addon);
  }
  return [...owned, ...attached];
}

export async function addonView(ctx: Ctx, addon: Addon): Promise<AddonView> {
  const app = await appById(ctx, addon.appId);
  return { addon, app, plan: planOf(ctx, addon), attachments: await ctx.deps.store.addonAttachments.listForAddon(addon.id) };
}

export async function attachmentView(ctx: Ctx, attachment: AddonAttachment): Promise<AttachmentView> {
  const addon = await ctx.deps.store.addons.findById(attachment.addonId);
  if (!addon) throw new Error(`attachment ${attachment.id} has no add-on ${attachment.addonId}`);
  return { attachment, addon, addonApp: await appById(ctx, addon.appId), app: await appById(ctx, attachment.appId), plan: planOf(ctx, addon) };
}

/** The names in `Accept-Expansion: addon_service,plan`. */
export function expansion(ctx: Pick<RequestContext, 'req'>): Set<string> {
  const header = ctx.req.headers['accept-expansion'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
}
