import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../core/errors.js';
import type { Account, Authorization } from '../core/model.js';
import type { ApiDeps, AuthMode } from './context.js';
import type { LoginThrottle } from './login-throttle.js';
import { csrfTokenMatches, type DashboardSessions, type LiveSession } from '../accounts/dashboard-sessions.js';
import { assertSameOrigin, sessionCookie } from './session-cookie.js';

const INVALID = 'Invalid credentials provided: the API key is unknown, expired or revoked.';
const MISSING = 'Authentication required: send "Authorization: Bearer <API key>" (berth auth:token prints yours).';
const SESSION_GONE = 'Your dashboard session expired or was revoked: log in again.';
const CSRF = 'This change needs the X-CSRF-Token header with the token POST /dashboard/session (or GET) returned for this session.';

export function parseAuthorization(header: string | undefined): { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string } | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer' && value) return { kind: 'bearer', token: value };
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/**
 * `Authorization: Bearer KEY`, or Basic with the key as password (any user name). Routes with
 * auth mode `login` also accept Basic `email:password`. Without an Authorization header, the
 * dashboard's session cookie acts as a key of its account (see cookieCaller).
 */
export interface Caller {
  account: Account;
  /** The API key used; absent for an email:password login or a password dashboard session. */
  authorization?: Authorization;
  /** The dashboard session, when the cookie authenticated the request. */
  session?: LiveSession;
}

export async function authenticate(req: IncomingMessage, mode: AuthMode, deps: ApiDeps, logins: LoginThrottle, sessions: DashboardSessions): Promise<Caller | undefined> {
  if (mode === 'none') return undefined;
  if (req.headers.authorization === undefined) {
    const token = sessionCookie(req);
    if (token !== undefined) return cookieCaller(req, token, sessions);
  }
  const credentials = parseAuthorization(req.headers.authorization);
  if (!credentials) throw new PlatformError('unauthorized', MISSING);
  const key = credentials.kind === 'bearer' ? credentials.token : credentials.password;
  const byKey = await deps.accounts.authenticate(key);
  if (byKey) return byKey;
  if (mode === 'login' && credentials.kind === 'basic' && credentials.user.includes('@')) {
    const client = req.socket.remoteAddress ?? 'unknown';
    const wait = logins.blockedFor(client, credentials.user);
    if (wait > 0) throw loginsThrottled(wait);
    try {
      return { account: await deps.accounts.login(credentials.user, credentials.password) };
    } catch (err) {
      if (err instanceof PlatformError && err.id === 'unauthorized') logins.recordFailure(client, credentials.user);
      throw err;
    }
  }
  throw new PlatformError('unauthorized', INVALID);
}

/** The 429 of too many failed logins, with Retry-After. */
export function loginsThrottled(waitMinutes: number): PlatformError {
  return new PlatformError('rate_limit', `Too many failed logins from this address or for this email. Try again in ${waitMinutes} minute${waitMinutes === 1 ? '' : 's'}, or use an API key.`, { retryAfterSeconds: waitMinutes * 60 });
}

/**
 * The dashboard cookie as credentials: only from the dashboard's own origin, only for a live
 * session, and every method but GET and HEAD must echo the session's CSRF token.
 */
async function cookieCaller(req: IncomingMessage, token: string, sessions: DashboardSessions): Promise<Caller> {
  assertSameOrigin(req);
  const live = await sessions.resolve(token);
  if (!live) throw new PlatformError('unauthorized', SESSION_GONE);
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    const sent = req.headers['x-csrf-token'];
    if (!csrfTokenMatches(typeof sent === 'string' ? sent : undefined, live.csrfToken)) throw new PlatformError('csrf_token_invalid', CSRF);
  }
  return { account: live.account, ...(live.authorization ? { authorization: live.authorization } : {}), session: live };
}
