/**
 * The one error registry. Every error a user can see has a stable id (Heroku's where Heroku has
 * one), an HTTP status and an owner. Ids are never reused or renamed: docs/errors.md lists them
 * and a test fails when the two drift. The domain throws PlatformError; only the API edge turns
 * it into HTTP (src/api/respond.ts).
 */
export const errorRegistry = {
  bad_request: { status: 400, summary: 'The request is malformed (bad JSON, bad header, bad Range).' },
  missing_version: { status: 400, summary: 'Accept names the Heroku media type without `version=3`.' },
  unauthorized: { status: 401, summary: 'No API key, or the key is invalid, expired or revoked.' },
  forbidden: { status: 403, summary: 'Authenticated, but not allowed to do this: not an admin, or without the app permission the message names.' },
  csrf_token_invalid: { status: 403, summary: 'A state change authenticated by the dashboard cookie came without the session\'s `X-CSRF-Token` header (or with another one).' },
  cross_site_request: { status: 403, summary: 'A request with the dashboard cookie came from another site (Origin or Sec-Fetch-Site): the cookie only works from the dashboard itself.' },
  not_found: { status: 404, summary: 'No such resource, or one you have no access to (a stranger gets the same answer as for a missing app).' },
  not_acceptable: { status: 406, summary: 'Accept asks for an API version other than 3.' },
  conflict: { status: 409, summary: 'The resource already exists (e.g. an app name is taken).' },
  payload_too_large: { status: 413, summary: 'The request body is over the size limit.' },
  quota_exceeded: { status: 403, summary: "Over the account's quota (dyno size, dynos per type, one-off dynos); an admin can raise it." },
  unsupported_media_type: { status: 415, summary: 'The request body is not JSON (send Content-Type: application/json).' },
  request_timeout: { status: 408, summary: 'The request body did not arrive in time.' },
  invalid_params: { status: 422, summary: 'A parameter fails validation; the message names the rule.' },
  stack_mismatch: { status: 422, summary: "The slug was built for another stack than the app's (stack or build stack): rebuild it, or move the app with stack:set first." },
  invalid_cron: { status: 422, summary: "A scheduler job's cron expression does not parse; the message names the field and the character position." },
  confirmation_required: { status: 422, summary: 'The action needs confirming (e.g. destroying an add-on other apps use): resend with `confirm` set to the app name.' },
  rate_limit: { status: 429, summary: "Too many requests: over an account's hourly API limit, too many failed logins, or too many sign-ups or invitations from one address or for one email (Retry-After says when to try again)." },
  service_unavailable: { status: 503, summary: "An add-on's server (PostgreSQL, Redis) or provider did not answer; nothing was changed." },
  internal_server_error: { status: 500, summary: 'A bug in Berth. Logged with the Request-Id.' },
  acm_unavailable: { status: 422, summary: 'Automatic certificates (ACME) are off on this Berth (`up --acme off`, or a domain such as localhost that no public CA certifies); upload a certificate with certs:add instead.' },
  stack_build_failed: { status: 502, summary: 'The stack images could not be rebuilt (an edited package list that does not parse, or mmdebstrap failed: the message has its last lines); the current stack version and every dyno are unchanged.' },
  addon_provider_failed: { status: 502, summary: "An add-on's provider failed, answered garbage or timed out; the add-on is failed or unchanged, the app untouched." },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorId = keyof typeof errorRegistry;

export class PlatformError extends Error {
  readonly id: ErrorId;
  readonly status: number;
  /** Heroku's `resource` field on some errors (e.g. `not_found` of a `session`): clients branch on it. */
  readonly resource: string | undefined;
  /** Seconds the client should wait before retrying (a `rate_limit`): sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(id: ErrorId, message: string, details: { resource?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'PlatformError';
    this.id = id;
    this.status = errorRegistry[id].status;
    this.resource = details.resource;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export const notFound = (what: string, identity: string): PlatformError =>
  new PlatformError('not_found', `Couldn't find that ${what}: ${identity}.`);

export const invalidParams = (message: string): PlatformError => new PlatformError('invalid_params', message);
