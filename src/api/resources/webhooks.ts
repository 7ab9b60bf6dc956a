/**
 * App webhook subscriptions (Heroku's app-webhook): list, create, info, update, delete. The
 * secret signs every delivery; it is returned once, in the `Heroku-Webhook-Secret` header of the
 * create answer (generated when none is given), and never again; neither is `authorization`.
 * Reading needs `view` on the app, changing `operate` (as log drains, which also send data out).
 */
import { randomBytes } from 'node:crypto';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import { parseHeaderText, parseInclude, parseLevel, parseWebhookUrl, WEBHOOKS_PER_APP } from '../../core/webhook-rules.js';
import type { AppWebhook, AppWebhookChanges } from '../../store/port.js';
import { findAccessibleApp, isUuid } from '../app-access.js';
import type { RequestContext, Route } from '../context.js';

const FIELDS = ['authorization', 'include', 'level', 'secret', 'url'];

export function webhookJson(app: Pick<App, 'id' | 'name'>, hook: AppWebhook) {
  return {
    app: { id: app.id, name: app.name },
    created_at: hook.createdAt,
    id: hook.id,
    include: hook.include,
    level: hook.level,
    updated_at: hook.updatedAt,
    url: hook.url,
  };
}

function checkFields(body: Record<string, unknown>): void {
  const unknown = Object.keys(body).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) throw new PlatformError('invalid_params', `Unknown webhook field ${unknown.map((k) => JSON.stringify(k)).join(', ')}: a webhook has ${FIELDS.join(', ')}.`);
}

async function findWebhook(ctx: RequestContext, app: App, identity: string): Promise<AppWebhook> {
  const hook = isUuid(identity) ? await ctx.deps.store.webhooks.find(app.id, identity.toLowerCase()) : undefined;
  if (!hook) throw notFound('webhook', identity);
  return hook;
}

export const webhookRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/webhooks',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      return { status: 200, body: (await ctx.deps.store.webhooks.list(app.id)).map((h) => webhookJson(app, h)) };
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/webhooks',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      checkFields(body);
      const input = {
        appId: app.id,
        url: parseWebhookUrl(body.url),
        include: parseInclude(body.include),
        level: parseLevel(body.level),
        secret: parseHeaderText('secret', body.secret) ?? randomBytes(30).toString('hex'),
        authorization: parseHeaderText('authorization', body.authorization),
        limit: WEBHOOKS_PER_APP,
      };
      const hook = await ctx.deps.store.webhooks.create(input);
      return { status: 201, body: webhookJson(app, hook), headers: { 'Heroku-Webhook-Secret': hook.secret } };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/webhooks/:webhook',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      return { status: 200, body: webhookJson(app, await findWebhook(ctx, app, ctx.params.webhook as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/webhooks/:webhook',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const hook = await findWebhook(ctx, app, ctx.params.webhook as string);
      checkFields(body);
      const changes: AppWebhookChanges = {};
      if (body.url !== undefined) changes.url = parseWebhookUrl(body.url);
      if (body.include !== undefined) changes.include = parseInclude(body.include);
      if (body.level !== undefined) changes.level = parseLevel(body.level);
      if (body.secret !== undefined && body.secret !== null) changes.secret = parseHeaderText('secret', body.secret) as string;
      if (body.authorization !== undefined) changes.authorization = parseHeaderText('authorization', body.authorization);
      const updated = await ctx.deps.store.webhooks.update(app.id, hook.id, changes);
      if (!updated) throw notFound('webhook', hook.id);
      return { status: 200, body: webhookJson(app, updated) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/webhooks/:webhook',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const hook = await findWebhook(ctx, app, ctx.params.webhook as string);
      const removed = await ctx.deps.store.webhooks.delete(app.id, hook.id);
      if (!removed) throw notFound('webhook', hook.id);
      return { status: 200, body: webhookJson(app, removed) };
    },
  },
];
