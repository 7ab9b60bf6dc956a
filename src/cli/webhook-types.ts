/** App webhook shapes as the CLI reads them (Heroku's app-webhook, -delivery, -event). */
export interface WebhookJson {
  id: string;
  app: { id: string; name: string };
  url: string;
  include: string[];
  level: 'notify' | 'sync';
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryJson {
  id: string;
  created_at: string;
  status: string;
  num_attempts: number;
  next_attempt_at: string | null;
  event: { id: string; include: string };
  webhook: { id: string; level: string };
  last_attempt: { id: string; code: number | null; error_class: string | null; status: string; created_at: string; updated_at: string } | null;
}

export interface WebhookEventJson {
  id: string;
  include: string;
  created_at: string;
  payload: { action?: string; resource?: string; published_at?: string | null } & Record<string, unknown>;
}

/** The flags webhooks:add and webhooks:update share, as Heroku's CLI spells them. */
export const webhookFlags = {
  url: { type: 'string', short: 'u', value: 'URL', description: 'http(s) URL the notifications are POSTed to' },
  include: { type: 'string', short: 'i', value: 'ENTITIES', description: 'comma-separated entities: api:addon, api:app, api:build, api:formation, api:release, dyno' },
  level: { type: 'string', short: 'l', value: 'LEVEL', description: 'notify (one attempt) or sync (retried with backoff for about an hour)' },
  secret: { type: 'string', short: 's', value: 'SECRET', description: 'signs every delivery (Heroku-Webhook-Hmac-SHA256); generated when not given' },
  authorization: { type: 'string', short: 't', value: 'HEADER', description: 'Authorization header sent with every delivery' },
} as const;

/** The request body from those flags: only the ones given. */
export function webhookBody(read: (flag: string) => string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const url = read('url');
  const include = read('include');
  const level = read('level');
  const secret = read('secret');
  const authorization = read('authorization');
  if (url !== undefined) body.url = url;
  if (include !== undefined) body.include = include.split(',').map((s) => s.trim()).filter(Boolean);
  if (level !== undefined) body.level = level;
  if (secret !== undefined) body.secret = secret;
  if (authorization !== undefined) body.authorization = authorization;
  return body;
}
