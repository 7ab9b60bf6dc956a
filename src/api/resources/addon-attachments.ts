import { validateAttachmentName } from '../../core/addon-naming.js';
import { notFound } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { AddonAttachment } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { canSee, findAccessibleApp, isUuid, requireOnApp, routeApp } from '../app-access.js';
import { attachmentView, findVisibleAddon } from '../addon-access.js';
import { AddonLifecycle } from '../addon-lifecycle.js';
import { identityField, optionalText, splitQualified } from '../addon-params.js';
import { serializeAttachment } from '../serialize-addons.js';

/**
 * Add-on attachments: attach an add-on to an app (its config vars and a release), detach,
 * list and show, and the official CLI's resolver (`POST /actions/addon-attachments/resolve`).
 */

async function attachmentJson(ctx: RequestContext, attachment: AddonAttachment) {
  return serializeAttachment(await attachmentView(ctx, attachment));
}

/** An attachment on an app the account may access, by id; 404 otherwise. */
async function findVisibleAttachment(ctx: RequestContext, id: string): Promise<AddonAttachment> {
  const attachment = isUuid(id) ? await ctx.deps.store.addonAttachments.findById(id.toLowerCase()) : undefined;
  const app = attachment && (await ctx.deps.store.apps.findById(attachment.appId));
  if (!attachment || !app) throw notFound('add-on attachment', id);
  await requireOnApp(ctx, app, notFound('add-on attachment', id));
  return attachment;
}

/** An attachment of the app by id, name (`DATABASE`, `DATABASE_URL`) or its add-on's name. */
async function findAppAttachments(ctx: RequestContext, app: App, identity: string): Promise<AddonAttachment[]> {
  const attachments = await ctx.deps.store.addonAttachments.listForApp(app.id);
  const direct = attachments.filter((a) => a.id === identity.toLowerCase() || a.name === identity || `${a.name}_URL` === identity);
  if (direct.length > 0) return direct;
  const addon = await ctx.deps.store.addons.findByName(identity);
  return addon ? attachments.filter((a) => a.addonId === addon.id) : [];
}

/** The add-on's attachments on apps the caller sees. */
async function visibleAttachments(ctx: RequestContext, addonId: string): Promise<AddonAttachment[]> {
  const visible: AddonAttachment[] = [];
  for (const attachment of await ctx.deps.store.addonAttachments.listForAddon(addonId)) {
    const app = await ctx.deps.store.apps.findById(attachment.appId);
    if (app && (await canSee(ctx, app))) visible.push(attachment);
  }
  return visible;
}

async function resolveAttachments(ctx: RequestContext, body: Record<string, unknown>): Promise<AddonAttachment[]> {
  const qualified = splitQualified(identityField(body, 'addon_attachment', 'DATABASE'));
  const appName = qualified.app ?? optionalText(body, 'app');
  let found: AddonAttachment[];
  if (appName !== undefined) {
    found = await findAppAttachments(ctx, await findAccessibleApp(ctx, appName), qualified.name);
  } else if (isUuid(qualified.name)) {
    found = [await findVisibleAttachment(ctx, qualified.name)];
  } else {
    const addon = await findVisibleAddon(ctx, qualified.name).catch(() => undefined);
    found = addon ? await visibleAttachments(ctx, addon.id) : [];
  }
  const serviceName = optionalText(body, 'addon_service');
  if (serviceName !== undefined) {
    const service = ctx.deps.addons.catalog.findService(serviceName);
    const kept: AddonAttachment[] = [];
    for (const attachment of found) if ((await ctx.deps.store.addons.findById(attachment.addonId))?.service === service?.name) kept.push(attachment);
    found = kept;
  }
  if (found.length === 0) throw notFound('add-on attachment', qualified.name);
  return found;
}

const userOf = (ctx: RequestContext) => ({ id: ctx.account.id, email: ctx.account.email });

export const addonAttachmentRoutes: Route[] = [
  {
    method: 'POST',
    path: '/addon-attachments',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const addon = await findVisibleAddon(ctx, identityField(body, 'addon', 'postgresql-curved-12345'), 'view');
      const app = await findAccessibleApp(ctx, identityField(body, 'app', 'my-app'));
      const name = optionalText(body, 'name');
      const attachment = await new AddonLifecycle(ctx.deps).attach(addon, app, name === undefined ? undefined : validateAttachmentName(name), userOf(ctx));
      return { status: 201, body: await attachmentJson(ctx, attachment) };
    },
  },
  {
    method: 'GET',
    path: '/addon-attachments',
    access: 'account',
    async handler(ctx) {
      const attachments = await ctx.deps.store.addonAttachments.list(ctx.account.isAdmin ? {} : { accessibleBy: ctx.account.id });
      return { status: 200, body: await Promise.all(attachments.map((a) => attachmentJson(ctx, a))) };
    },
  },
  {
    method: 'GET',
    path: '/addon-attachments/:attachment',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      return { status: 200, body: await attachmentJson(ctx, await findVisibleAttachment(ctx, ctx.params.attachment as string)) };
    },
  },
  {
    method: 'DELETE',
    path: '/addon-attachments/:attachment',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const attachment = await findVisibleAttachment(ctx, ctx.params.attachment as string);
      const json = await attachmentJson(ctx, attachment);
      await new AddonLifecycle(ctx.deps).detach(attachment, userOf(ctx));
      return { status: 200, body: json };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/addon-attachments',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const attachments = await ctx.deps.store.addonAttachments.listForApp(app.id);
      return { status: 200, body: await Promise.all(attachments.map((a) => attachmentJson(ctx, a))) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/addon-attachments/:attachment',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const identity = ctx.params.attachment as string;
      const [attachment] = await findAppAttachments(ctx, app, identity);
      if (!attachment) throw notFound('add-on attachment', identity);
      return { status: 200, body: await attachmentJson(ctx, attachment) };
    },
  },
  {
    method: 'GET',
    path: '/addons/:addon/addon-attachments',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const addon = await findVisibleAddon(ctx, ctx.params.addon as string);
      const visible = await visibleAttachments(ctx, addon.id);
      return { status: 200, body: await Promise.all(visible.map((a) => attachmentJson(ctx, a))) };
    },
  },
  {
    method: 'POST',
    path: '/actions/addon-attachments/resolve',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const found = await resolveAttachments(ctx, await ctx.body());
      return { status: 200, body: await Promise.all(found.map((a) => attachmentJson(ctx, a))) };
    },
  },
];
