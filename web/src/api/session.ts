// Logging in and out. The dashboard session (`/dashboard/session`: an HttpOnly cookie plus a
// CSRF token) when Berth has it; otherwise an API key kept in memory only: the key itself, or
// one made from email and password (POST /oauth/authorizations with Basic auth), revoked at log out.
import { api, ApiError, type Credentials } from './client.js';
import type { AccountJson, AuthorizationJson, SessionJson } from './types.js';

export interface SignedIn {
  email: string;
}

export type LoginInput = { email: string; password: string } | { apiKey: string };

/** The session this browser already has (a cookie), if any. */
export async function restoreSession(): Promise<SignedIn | undefined> {
  try {
    const session = await fetch('/dashboard/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (session.status !== 200) return undefined;
    const body = (await session.json()) as SessionJson;
    api.setCredentials({ kind: 'cookie', csrfToken: body.csrf_token });
    return { email: body.email };
  } catch {
    return undefined;
  }
}

export async function logIn(input: LoginInput): Promise<SignedIn> {
  const payload = 'apiKey' in input ? { api_key: input.apiKey } : { email: input.email, password: input.password };
  const response = await fetch('/dashboard/session', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(payload),
  });
  if (response.status === 201 || response.status === 200) {
    const body = (await response.json()) as SessionJson;
    api.setCredentials({ kind: 'cookie', csrfToken: body.csrf_token });
    return { email: body.email };
  }
  if (response.status !== 404 && response.status !== 405) throw await loginError(response);
  return 'apiKey' in input ? logInWithKey({ kind: 'bearer', key: input.apiKey }) : logInWithPassword(input.email, input.password);
}

async function logInWithKey(credentials: Credentials): Promise<SignedIn> {
  api.setCredentials(credentials);
  try {
    const account = await api.get<AccountJson>('/account');
    return { email: account.email };
  } catch (error) {
    api.setCredentials(undefined);
    throw error instanceof ApiError && error.status === 401 ? new ApiError(401, 'unauthorized', 'That API key is not valid.') : error;
  }
}

async function logInWithPassword(email: string, password: string): Promise<SignedIn> {
  const response = await fetch('/oauth/authorizations', {
    method: 'POST',
    headers: { Accept: 'application/vnd.heroku+json; version=3', 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${email}:${password}`)}` },
    body: JSON.stringify({ description: 'Berth dashboard', scope: ['global'] }),
  });
  if (response.status !== 201) throw await loginError(response);
  const authorization = (await response.json()) as AuthorizationJson;
  const token = authorization.access_token?.token;
  if (!token) throw new ApiError(500, 'error', 'Berth returned no API key.');
  return logInWithKey({ kind: 'bearer', key: token, authorizationId: authorization.id });
}

async function loginError(response: Response): Promise<ApiError> {
  const text = await response.text();
  let message: string | undefined;
  try {
    message = (JSON.parse(text) as { message?: string }).message;
  } catch {
    message = text.trim() || undefined;
  }
  if (response.status === 401 || response.status === 403) return new ApiError(response.status, 'unauthorized', message ?? 'Wrong email or password, or an invalid API key.');
  if (response.status === 429) return new ApiError(429, 'rate_limit', message ?? 'Too many attempts: wait a minute and try again.');
  return new ApiError(response.status, 'error', message ?? `Logging in failed with HTTP ${response.status}.`);
}

export async function logOut(): Promise<void> {
  const credentials = api.current;
  try {
    if (credentials?.kind === 'cookie') await api.request('DELETE', '/dashboard/session', { optional: true });
    if (credentials?.kind === 'bearer' && credentials.authorizationId) await api.request('DELETE', `/oauth/authorizations/${credentials.authorizationId}`, { optional: true });
  } finally {
    api.setCredentials(undefined);
  }
}
