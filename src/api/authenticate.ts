import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../core/errors.js';
import type { Account, Authorization } from '../core/model.js';
import type { ApiDeps, AuthMode } from './context.js';
import type { LoginThrottle } from './login-throttle.js';

const INVALID = 'Invalid credentials provided: the API key is unknown, expired or revoked.';
const MISSING = 'Authentication required: send "Authorization: Bearer <API key>" (berth auth:token prints yours).';

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
 * auth mode `login` also accept Basic `email:password`.
 */
export interface Caller {
  account: Account;
  /** The API key used; absent for an email:password login. */
  authorization?: Authorization;
}

export async function authenticate(req: IncomingMessage, mode: AuthMode, deps: ApiDeps, logins: LoginThrottle): Promise<Caller | undefined> {
  if (mode === 'none') return undefined;
  const credentials = parseAuthorization(req.headers.authorization);
  if (!credentials) throw new PlatformError('unauthorized', MISSING);
  const key = credentials.kind === 'bearer' ? credentials.token : credentials.password;
  const byKey = await deps.accounts.authenticate(key);
  if (byKey) return byKey;
  if (mode === 'login' && credentials.kind === 'basic' && credentials.user.includes('@')) {
    const client = req.socket.remoteAddress ?? 'unknown';
    const wait = logins.blockedFor(client, credentials.user);
    if (wait > 0) throw new PlatformError('rate_limit', `Too many failed logins from this address or for this email. Try again in ${wait} minute${wait === 1 ? '' : 's'}, or use an API key.`);
    try {
      return { account: await deps.accounts.login(credentials.user, credentials.password) };
    } catch (err) {
      if (err instanceof PlatformError && err.id === 'unauthorized') logins.recordFailure(client, credentials.user);
      throw err;
    }
  }
  throw new PlatformError('unauthorized', INVALID);
}
