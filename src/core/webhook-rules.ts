/**
 * App webhook rules: what a subscription may say (include, level, url, secret, authorization)
 * and when a failed `sync` delivery is tried again. Pure: the API validates with it, the sender
 * schedules with it.
 */
import { invalidParams } from './errors.js';
import { WEBHOOK_ENTITIES, type WebhookEntity } from './platform-events.js';

export type WebhookLevel = 'notify' | 'sync';

/** Heroku's limit of webhooks per app. */
export const WEBHOOKS_PER_APP = 10;

/**
 * Waits before each retry of a `sync` delivery (after attempt 1, 2, …): doubling from 15 s, the
 * last retry about an hour after the event. A delivery that fails them all is `failed`.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [15, 30, 60, 120, 240, 480, 960, 1_680].map((s) => s * 1_000);

/** When the delivery after `attempts` failed attempts is due, or undefined when there is none. */
export function nextAttemptDelay(level: WebhookLevel, attempts: number, delays: readonly number[]): number | undefined {
  if (level === 'notify') return undefined;
  return delays[attempts - 1];
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

export function parseInclude(value: unknown): WebhookEntity[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v): v is string => typeof v === 'string')) {
    throw invalidParams(`include must be a non-empty list of entities: ${WEBHOOK_ENTITIES.join(', ')}.`);
  }
  const unknown = list.filter((v) => !(WEBHOOK_ENTITIES as readonly string[]).includes(v));
  if (unknown.length > 0) throw invalidParams(`Unknown webhook entity ${unknown.map((u) => JSON.stringify(u)).join(', ')}: include any of ${WEBHOOK_ENTITIES.join(', ')}.`);
  return [...new Set(list as WebhookEntity[])];
}

export function parseLevel(value: unknown): WebhookLevel {
  if (value === 'notify' || value === 'sync') return value;
  throw invalidParams('level must be notify (one attempt) or sync (retried with backoff for about an hour).');
}

/** An http(s) URL without control characters; the address it names is checked when it connects (egress). */
export function parseWebhookUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidParams('url must be an http:// or https:// URL.');
  if (CONTROL.test(value) || value.length > 2048) throw invalidParams('url must be an http:// or https:// URL of at most 2048 characters without control characters.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidParams(`url ${JSON.stringify(value)} is not a URL: give an http:// or https:// URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParams(`url must be an http:// or https:// URL, not ${url.protocol}//: Berth posts webhook notifications over HTTP(S) only.`);
  }
  if (url.hostname === '') throw invalidParams('url must name a host.');
  return url.toString();
}

/** `secret` and `authorization`: optional text without control characters (they become header values). */
export function parseHeaderText(name: 'secret' | 'authorization', value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '' || value.length > 1024 || CONTROL.test(value)) {
    throw invalidParams(`${name} must be text of 1 to 1024 characters without control characters.`);
  }
  return value;
}
