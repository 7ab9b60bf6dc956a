/**
 * The history of an app's webhooks (Heroku's app-webhook-delivery and app-webhook-event): every
 * delivery with its status, attempts, last response code and next attempt, filterable by
 * `?eq[status]=failed` and ranged newest first as the official CLI asks (`seq ..; order=desc`);
 * and the events with their payloads.
 */
import { notFound, PlatformError } from '../../core/errors.js';
import type { AppWebhookDelivery, AppWebhookEvent, DeliveryStatus } from '../../store/port.js';
import { findAccessibleApp, isUuid } from '../app-access.js';
import type { Route } from '../context.js';
import { pageItems } from '../page-items.js';
import { pageReply, pageRequest } from '../page-reply.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'scheduled', 'retrying', 'failed', 'succeeded'];
const RANGE_FIELDS = ['seq', 'id', 'created_at'] as const;

export function deliveryJson(delivery: AppWebhookDelivery) {
  const last = delivery.lastAttempt;
  return {
    created_at: delivery.createdAt,
    event: { id: delivery.eventId, include: delivery.include },
    id: delivery.id,
    last_attempt: last && { code: last.code, created_at: last.createdAt, error_class: last.errorClass, id: last.id, status: last.status, updated_at: last.updatedAt },
    next_attempt_at: delivery.nextAttemptAt,
    num_attempts: delivery.numAttempts,
    status: delivery.status,
    updated_at: delivery.updatedAt,
    webhook: { id: delivery.webhookId, level: delivery.level },
  };
}

export function eventJson(event: AppWebhookEvent) {
  return { created_at: event.createdAt, id: event.id, include: event.include, payload: event.payload, updated_at: event.updatedAt };
}

/** Oldest first by creation (ties by id): what `seq` and `created_at` order by. */
const sequenceKey = (item: { createdAt: string; id: string }): string => `${item.createdAt}|${item.id}`;

function statusFilter(url: URL): DeliveryStatus | undefined {
  const value = url.searchParams.get('eq[status]');
  if (value === null) return undefined;
  if (!(STATUSES as readonly string[]).includes(value)) throw new PlatformError('invalid_params', `status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(value)}.`);
  return value as DeliveryStatus;
}

export const webhookDeliveryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/webhook-deliveries',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const page = pageRequest(ctx, RANGE_FIELDS);
      const deliveries = await ctx.deps.store.webhooks.listDeliveries(app.id, statusFilter(ctx.url));
      const result = pageItems(deliveries, page, (d) => (page.field === 'id' ? d.id : sequenceKey(d)));
      return pageReply(page, result, result.items.map(deliveryJson));
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/webhook-deliveries/:delivery',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const identity = ctx.params.delivery as string;
      const delivery = isUuid(identity) ? await ctx.deps.store.webhooks.findDelivery(app.id, identity.toLowerCase()) : undefined;
      if (!delivery) throw notFound('webhook delivery', identity);
      return { status: 200, body: deliveryJson(delivery) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/webhook-events',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const page = pageRequest(ctx, RANGE_FIELDS);
      const events = await ctx.deps.store.webhooks.listEvents(app.id);
      const result = pageItems(events, page, (e) => (page.field === 'id' ? e.id : sequenceKey(e)));
      return pageReply(page, result, result.items.map(eventJson));
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/webhook-events/:event',
    access: { app: 'view' },
    async handler(ctx) {
      const app = await findAccessibleApp(ctx, ctx.params.app as string);
      const identity = ctx.params.event as string;
      const event = isUuid(identity) ? await ctx.deps.store.webhooks.findEvent(app.id, identity.toLowerCase()) : undefined;
      if (!event) throw notFound('webhook event', identity);
      return { status: 200, body: eventJson(event) };
    },
  },
];
