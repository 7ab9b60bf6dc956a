/**
 * App webhooks as the store hands them out: subscriptions, the events they were offered and one
 * delivery per (webhook, event), with its attempts. Deliveries are the queue of the webhook
 * sender: a pending one survives a restart and is tried when due. Timestamps are ISO-8601 UTC.
 */
import type { WebhookEntity } from '../core/platform-events.js';
import type { WebhookLevel } from '../core/webhook-rules.js';

export interface AppWebhook {
  id: string;
  appId: string;
  url: string;
  include: WebhookEntity[];
  level: WebhookLevel;
  /** Signs every delivery (Heroku-Webhook-Hmac-SHA256); never returned by the API after creation. */
  secret: string;
  /** Sent as the Authorization header of every delivery; never returned by the API. */
  authorization: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewAppWebhook = Pick<AppWebhook, 'appId' | 'url' | 'include' | 'level' | 'secret' | 'authorization'> & { limit: number };
export type AppWebhookChanges = Partial<Pick<AppWebhook, 'url' | 'include' | 'level' | 'secret' | 'authorization'>>;

export interface AppWebhookEvent {
  id: string;
  appId: string;
  include: WebhookEntity;
  /** Heroku's payload: action, actor, data, previous_data, resource, version, … (JSON object). */
  payload: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'scheduled' | 'retrying' | 'failed' | 'succeeded';

export interface DeliveryAttempt {
  id: string;
  /** The HTTP status received; null when none came (refused, timed out, reset). */
  code: number | null;
  /** Why it failed without a status (`timeout`, `refused by egress policy`, …); null otherwise. */
  errorClass: string | null;
  status: 'scheduled' | 'succeeded' | 'failed';
  createdAt: string;
  updatedAt: string;
}

export interface AppWebhookDelivery {
  id: string;
  appId: string;
  webhookId: string;
  level: WebhookLevel;
  eventId: string;
  include: WebhookEntity;
  status: DeliveryStatus;
  numAttempts: number;
  nextAttemptAt: string | null;
  lastAttempt: DeliveryAttempt | null;
  createdAt: string;
  updatedAt: string;
}

/** A delivery that is due, with what sending it needs. */
export interface DueDelivery {
  delivery: AppWebhookDelivery;
  webhook: AppWebhook;
  event: AppWebhookEvent;
}

/** The outcome of one attempt: the next status and, when retrying, when. */
export interface AttemptOutcome {
  attempt: DeliveryAttempt;
  status: 'succeeded' | 'failed' | 'retrying';
  nextAttemptAt: string | null;
}

export interface AppWebhookRepository {
  create(input: NewAppWebhook): Promise<AppWebhook>;
  list(appId: string): Promise<AppWebhook[]>;
  find(appId: string, id: string): Promise<AppWebhook | undefined>;
  update(appId: string, id: string, changes: AppWebhookChanges): Promise<AppWebhook | undefined>;
  delete(appId: string, id: string): Promise<AppWebhook | undefined>;
  /**
   * Records an event and one pending delivery (due now) for each webhook of the app that
   * includes its entity, in one transaction. Keeps the app's newest `keepEvents` events (older
   * ones go with their deliveries). Returns the deliveries made.
   */
  recordEvent(input: { id: string; appId: string; include: WebhookEntity; payload: Record<string, unknown>; keepEvents: number }): Promise<{ event: AppWebhookEvent; deliveries: AppWebhookDelivery[] }>;
  listEvents(appId: string): Promise<AppWebhookEvent[]>;
  findEvent(appId: string, id: string): Promise<AppWebhookEvent | undefined>;
  listDeliveries(appId: string, status?: DeliveryStatus): Promise<AppWebhookDelivery[]>;
  findDelivery(appId: string, id: string): Promise<AppWebhookDelivery | undefined>;
  /** Pending or retrying deliveries of every app due at `now`, oldest first, at most `limit`. */
  due(now: string, limit: number): Promise<DueDelivery[]>;
  /** The earliest next attempt of any pending or retrying delivery. */
  nextDue(): Promise<string | undefined>;
  /** Stores an attempt's outcome; undefined when the delivery is gone (its app or webhook deleted). */
  recordAttempt(id: string, outcome: AttemptOutcome): Promise<AppWebhookDelivery | undefined>;
}
