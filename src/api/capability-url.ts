import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '../core/errors.js';
import type { ApiDeps, RequestContext } from './context.js';
import { requestOrigin } from './session-cookie.js';

/**
 * Capability URLs: a path plus `expires` and an HMAC `signature` over method, path and expiry,
 * as S3 presigned URLs work. Whoever holds the URL may do that one thing until it expires;
 * nothing is stored, so sources need no table.
 */
export const BLOB_URL_TTL_SECONDS = 60 * 60;
export const STREAM_URL_TTL_SECONDS = 24 * 60 * 60;

type Method = 'GET' | 'PUT';

function signature(key: string, method: Method, path: string, expires: number): string {
  return createHmac('sha256', key).update(`${method}\n${path}\n${expires}`).digest('base64url');
}

/**
 * An absolute URL that lets its holder `method` `path` for `ttlSeconds` (over HTTPS with `tls`
 * when the API has it; on `origin` when given: both API ports serve every capability path).
 */
export function signedUrl(deps: Pick<ApiDeps, 'urlSigningKey' | 'urls' | 'now'>, method: Method, path: string, ttlSeconds: number, options: { tls?: boolean; origin?: string } = {}): string {
  const expires = Math.floor(deps.now().getTime() / 1000) + ttlSeconds;
  const query = new URLSearchParams({ expires: String(expires), signature: signature(deps.urlSigningKey, method, path, expires) });
  const target = `${path}?${query.toString()}`;
  if (options.origin) return `${options.origin}${target}`;
  return options.tls && deps.urls.apiTlsUrl ? deps.urls.apiTlsUrl(target) : deps.urls.apiUrl(target);
}

/**
 * The origin for a stream URL handed to the dashboard: the page's own (the request came with its
 * cookie), so the browser reads it same-origin; undefined for every other client (the API's URL).
 */
export function pageOrigin(ctx: Pick<RequestContext, 'session' | 'req'>): string | undefined {
  return ctx.session ? requestOrigin(ctx.req) : undefined;
}

/** A build's or release phase's output stream URL (24 h), on the dashboard's origin for the dashboard. */
export function streamUrl(ctx: RequestContext, path: string): string {
  const origin = pageOrigin(ctx);
  return signedUrl(ctx.deps, 'GET', path, STREAM_URL_TTL_SECONDS, origin ? { origin } : {});
}

/** True when `url` carries a valid, unexpired signature for `method` on its path. */
export function verifySignedUrl(deps: Pick<ApiDeps, 'urlSigningKey' | 'now'>, method: Method, url: URL): 'ok' | 'invalid' | 'expired' {
  const expires = Number(url.searchParams.get('expires'));
  const given = Buffer.from(url.searchParams.get('signature') ?? '', 'utf8');
  if (!Number.isSafeInteger(expires)) return 'invalid';
  const wanted = Buffer.from(signature(deps.urlSigningKey, method, url.pathname, expires), 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'invalid';
  return expires * 1000 < deps.now().getTime() ? 'expired' : 'ok';
}

/** Refuses a request whose URL is not a valid capability for its method and path. */
export function requireSignedUrl(ctx: RequestContext, method: Method): void {
  const verdict = verifySignedUrl(ctx.deps, method, ctx.url);
  if (verdict === 'ok') return;
  ctx.res.setHeader('Connection', 'close');
  throw new PlatformError(
    'forbidden',
    verdict === 'expired'
      ? `This URL expired. Ask the API for a new one (e.g. POST /sources again, or GET the slug).`
      : `This URL's signature is missing or invalid: use the exact URL the API handed out.`,
  );
}
