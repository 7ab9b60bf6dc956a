// What the router answers itself on plain HTTP before routing to a dyno: ACME HTTP-01
// challenges of the app's hostnames, then the force-https redirect.
import type { AppRoute } from '../core/route-table.js';
import type { RequestHead } from './request-head.js';

export const ACME_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';

/** A complete response the router writes without a dyno. */
export interface OwnAnswer {
  status: 200 | 301 | 308;
  raw: string;
}

const REASON = { 200: 'OK', 301: 'Moved Permanently', 308: 'Permanent Redirect' } as const;

/**
 * The answer to a plain-HTTP request for `route`, or null when the app's dynos take it.
 * A challenge token the app has pending gets its key authorization (text/plain, as RFC 8555
 * §8.3 asks); with `forceHttps` and an HTTPS listener, everything else is redirected to the same
 * host and path over HTTPS: 301 for GET and HEAD, 308 otherwise (so the method and body are
 * repeated, RFC 9110 §15.4.9).
 */
export function plainHttpAnswer(route: AppRoute, req: RequestHead, httpsPort: number | undefined, via: string, close: boolean): OwnAnswer | null {
  const challenges = route.acmeChallenges;
  if (challenges !== undefined && req.target.startsWith(ACME_CHALLENGE_PREFIX)) {
    const token = req.target.slice(ACME_CHALLENGE_PREFIX.length);
    if (Object.hasOwn(challenges, token)) return { status: 200, raw: response(200, [['Content-Type', 'text/plain']], challenges[token] as string, via, close) };
  }
  if (!route.forceHttps || httpsPort === undefined) return null;
  const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
  const path = req.target.startsWith('/') ? req.target : '/';
  const location = `https://${req.hostKey}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
  return { status, raw: response(status, [['Location', location], ['Content-Type', 'text/plain']], req.method === 'HEAD' ? '' : `Redirecting to ${location}\n`, via, close) };
}

function response(status: 200 | 301 | 308, headers: Array<[string, string]>, body: string, via: string, close: boolean): string {
  const bytes = Buffer.byteLength(body, 'latin1');
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${status} ${REASON[status]}\r\n${lines}Content-Length: ${bytes}\r\nCache-Control: no-cache, no-store\r\nVia: ${via}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${body}`;
}

/** The header HTTPS responses of an app with `hsts` carry: one year, this host only (opt in to more by setting your own). */
export const HSTS_HEADER = 'Strict-Transport-Security: max-age=31536000\r\n';
