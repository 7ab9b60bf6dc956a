import { validateAddonName, validateAttachmentName } from '../../core/addon-naming.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { Addon } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { findAccessibleApp, routeApp } from '../app-access.js';
import { addonsOfApp, addonView, canSeeAddon, expansion, findAppAddon, findVisibleAddon } from '../addon-access.js';
import { AddonLifecycle } from '../addon-lifecycle.js';
import { attachmentNameField, forceField, identityField, optionalText, providerOptions, splitQualified } from '../addon-params.js';
import { serializeAddon } from '../serialize-addons.js';

/**
 * Add-ons: create (provision + first attachment + release), list, show, change plan, destroy,
 * and the official CLI's resolver (`POST /actions/addons/resolve`).
 */

const userOf = (ctx: RequestContext) => ({ id: ctx.account.id, email: ctx.account.email });

async function addonJson(ctx: RequestContext, addon: Addon) {
  return serializeAddon(await addonView(ctx, addon), expansion(ctx));
}

/** An add-on of the app (owned or attached) by id, name or attachment name; 404 otherwise. */
async function appAddon(ctx: RequestContext, app: App, identity: string): Promise<Addon> {
  const addon = await findAppAddon(ctx, app, identity);
  if (!addon) throw notFound('add-on', identity);
  return addon;
}

/** Changing or destroying needs the add-on's own (billing) app. */
function ownAddon(app: App, addon: Addon): void {
  if (addon.appId !== app.id) {
    throw new PlatformError('invalid_params', `${addon.name} belongs to another app and is only attached to ${app.name}: detach it (berth addons:detach ATTACHMENT -a ${app.name}), or change it on its own app.`);
  }
}

/** The add-ons `POST /actions/addons/resolve` finds for `{addon, app?, addon_service?}`. */
async function resolveAddons(ctx: RequestContext, body: Record<string, unknown>): Promise<Addon[]> {
  const qualified = splitQualified(identityField(body, 'addon', 'postgresql-curved-12345'));
  const appName = qualified.app ?? optionalText(body, 'app');
  const serviceName = optionalText(body, 'addon_service');
  let found: Addon | undefined;
  if (appName !== undefined) found = await findAppAddon(ctx, await findAccessibleApp(ctx, appName), qualified.name);
  found ??= await findVisibleAddon(ctx, qualified.name).catch(() => undefined);
  if (found && serviceName !== undefined) {
    const service = ctx.deps.addons.catalog.findService(serviceName);
    if (service?.name !== found.service) found = undefined;
  }
  if (!found) throw notFound('add-on', qualified.name);
  return [found];
}

export const addonRoutes: Route[] = [
  {
    method: 'POST',
    path: '/apps/:app/addons',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const plan = ctx.deps.addons.catalog.resolvePlan(identityField(body, 'plan', 'heroku-postgresql:essential-0'));
      const name = optionalText(body, 'name');
      const attachmentName = attachmentNameField(body);
      const addon = await new AddonLifecycle(ctx.deps).create({
        app,
        plan,
        ...(name !== undefined ? { name: validateAddonName(name) } : {}),
        ...(attachmentName !== undefined ? { attachmentName: validateAttachmentName(attachmentName) } : {}),
        options: providerOptions(body),
        user: userOf(ctx),
      });
      return { status: 201, body: await addonJson(ctx, addon) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/addons',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const addons = await addonsOfApp(ctx, app);
      return { status: 200, body: await Promise.all(addons.map((a) => addonJson(ctx, a))) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/addons/:addon',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: await addonJson(ctx, await appAddon(ctx, app, ctx.params.addon as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/addons/:addon',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      let addon = await appAddon(ctx, app, ctx.params.addon as string);
      ownAddon(app, addon);
      const name = optionalText(body, 'name');
      if (name !== undefined) addon = (await ctx.deps.store.addons.rename(addon.id, validateAddonName(name))) ?? addon;
      if (name !== undefined && (body.plan === undefined || body.plan === null)) return { status: 200, body: await addonJson(ctx, addon) };
      const reference = identityField(body, 'plan', 'heroku-postgresql:standard-0');
      const { catalog } = ctx.deps.addons;
      // A bare plan name (`standard-0`) means a plan of the add-on's own service.
      const plan = reference.includes(':') || catalog.findService(reference) ? catalog.resolvePlan(reference) : catalog.resolvePlan(`${addon.service}:${reference}`);
      const changed = await new AddonLifecycle(ctx.deps).changePlan(addon, plan, userOf(ctx));
      const json = await addonJson(ctx, changed.addon);
      return { status: 200, body: { ...json, provision_message: changed.message ?? json.provision_message } };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/addons/:addon',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const addon = await appAddon(ctx, app, ctx.params.addon as string);
      ownAddon(app, addon);
      const confirmed = forceField(body) || optionalText(body, 'confirm') === app.name;
      const destroyed = await new AddonLifecycle(ctx.deps).destroy(addon, confirmed, userOf(ctx));
      return { status: 200, body: await addonJson(ctx, destroyed) };
    },
  },
  {
    method: 'GET',
    path: '/addons',
    access: 'account',
    async handler(ctx) {
      const addons = await ctx.deps.store.addons.list(ctx.account.isAdmin ? {} : { accessibleBy: ctx.account.id });
      return { status: 200, body: await Promise.all(addons.map((a) => addonJson(ctx, a))) };
    },
  },
  {
    method: 'GET',
    path: '/addons/:addon',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      return { status: 200, body: await addonJson(ctx, await findVisibleAddon(ctx, ctx.params.addon as string)) };
    },
  },
  {
    method: 'POST',
    path: '/actions/addons/resolve',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const found = await resolveAddons(ctx, await ctx.body());
      const visible = [];
      for (const addon of found) if (await canSeeAddon(ctx, addon)) visible.push(await addonJson(ctx, addon));
      return { status: 200, body: visible };
    },
  },
];
