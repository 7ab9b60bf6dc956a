/**
 * The dashboard's `berth_session` cookie on the wire: reading it from a request, setting and
 * clearing it (HttpOnly, SameSite=Strict, Path=/, Secure on HTTPS), the request's own origin,
 * and the check that a cookie-carrying request comes from the dashboard itself.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { PlatformError } from '../core/errors.js';

export const SESSION_COOKIE = 'berth_session';

/** The session secret the request's Cookie header carries, if any. */
export function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

const isHttps = (req: IncomingMessage): boolean => (req.socket as TLSSocket).encrypted === true;

export function setSessionCookie(req: IncomingMessage, token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${isHttps(req) ? '; Secure' : ''}`;
}

export function clearSessionCookie(req: IncomingMessage): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${isHttps(req) ? '; Secure' : ''}`;
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** `http(s)://host[:port]` as the client addressed this server, or undefined for an odd Host header. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (!host || !HOST.test(host)) return undefined;
  return `${isHttps(req) ? 'https' : 'http'}://${host}`;
}

/**
 * Refuses a cookie-carrying request another site made: `Sec-Fetch-Site` cross-site or same-site
 * (an app on a subdomain is same-site), or an `Origin` whose host is not the one addressed.
 * Compares hosts, not schemes, so a TLS-terminating proxy in front keeps working.
 */
export function assertSameOrigin(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  let foreign = site === 'cross-site' || site === 'same-site';
  if (!foreign && origin !== undefined) {
    try {
      foreign = new URL(origin).host !== req.headers.host;
    } catch {
      foreign = true;
    }
  }
  if (foreign) {
    throw new PlatformError('cross_site_request', 'This request came from another site: the dashboard session cookie only works from the dashboard itself. Use an API key (Authorization: Bearer) from other origins.');
  }
}
