// The one way the dashboard talks to Berth: the Platform API on this origin, authenticated by
// the dashboard session cookie (with its CSRF token on every change) or, as a fallback, by an
// API key held in memory (Authorization: Bearer). A 401 anywhere sends the user to the login page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

export type Credentials = { kind: 'cookie'; csrfToken: string } | { kind: 'bearer'; key: string; authorizationId?: string };

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Resolve with undefined on 404 instead of throwing (an endpoint Berth may not have yet). */
  optional?: boolean;
  signal?: AbortSignal;
}

const ACCEPT = 'application/vnd.heroku+json; version=3';

export class ApiClient {
  private credentials: Credentials | undefined;
  private unauthorizedListener: () => void = () => undefined;

  setCredentials(credentials: Credentials | undefined): void {
    this.credentials = credentials;
  }

  get current(): Credentials | undefined {
    return this.credentials;
  }

  onUnauthorized(listener: () => void): void {
    this.unauthorizedListener = listener;
  }

  /** The headers every request carries: Accept, and the credentials (CSRF token on changes). */
  headersFor(method: string, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { Accept: ACCEPT, ...extra };
    const c = this.credentials;
    if (c?.kind === 'bearer') headers.Authorization = `Bearer ${c.key}`;
    if (c?.kind === 'cookie' && method !== 'GET') headers['X-CSRF-Token'] = c.csrfToken;
    return headers;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers = this.headersFor(method, options.headers);
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    const body = text ? parseJson(text) : undefined;
    if (response.ok) return body as T;
    if (response.status === 404 && options.optional) return undefined as T;
    const error = errorOf(response.status, body, text);
    if (response.status === 401 && this.credentials) {
      this.credentials = undefined;
      this.unauthorizedListener();
    }
    throw error;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorOf(status: number, body: unknown, text: string): ApiError {
  if (body && typeof body === 'object' && 'message' in body) {
    const b = body as { id?: unknown; message?: unknown };
    return new ApiError(status, String(b.id ?? 'error'), String(b.message));
  }
  return new ApiError(status, 'error', text.trim() || `The request failed with HTTP ${status}.`);
}

/** The path and query of an absolute URL Berth hands out (stream and log URLs): fetched on this origin. */
export function sameOrigin(url: string): string {
  const parsed = new URL(url, location.href);
  return `${parsed.pathname}${parsed.search}`;
}

export const api = new ApiClient();
