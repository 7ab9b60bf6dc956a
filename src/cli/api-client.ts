import { CliError } from './cli-error.js';

/** An error answer from the API: `{"id","message"}` plus where it came from. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer: refused, unresolvable, TLS failure, timeout. */
export class ConnectionError extends Error {
  constructor(readonly apiUrl: string, cause: unknown) {
    super(`Cannot reach the Berth API at ${apiUrl}`, { cause });
    this.name = 'ConnectionError';
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Authenticate with Basic email:password instead of the API key (login). */
  basic?: { user: string; password: string };
  /** Use this API key instead of the configured one (logout revokes the saved key). */
  token?: string;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const MAX_PAGES = 10_000;

/** The Platform API over HTTP(S) with global fetch. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs = 60_000,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.heroku+json; version=3',
      'User-Agent': 'berth-cli',
      Authorization: this.authorization(options),
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ConnectionError(this.baseUrl, err);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad_response', `The API at ${this.baseUrl} answered ${method} ${path} with ${res.status} and a body that is not JSON.`, method, path);
    }
    if (!res.ok) {
      const e = (body ?? {}) as { id?: unknown; message?: unknown };
      const id = typeof e.id === 'string' ? e.id : `http_${res.status}`;
      const message = typeof e.message === 'string' ? e.message : `${method} ${path} failed with HTTP ${res.status}.`;
      throw new ApiError(res.status, id, message, method, path);
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body;
  }
  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...options, body })).body;
  }
  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { body })).body;
  }
  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PUT', path, { body })).body;
  }
  async delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('DELETE', path, options)).body;
  }

  /**
   * One page of a list, as `range` asks (`version ..; max=15, order=desc`), without following
   * `Next-Range`: the newest releases, the last build.
   */
  async page<T>(path: string, range: string): Promise<T[]> {
    const res = await this.request<T[]>('GET', path, { headers: { Range: range } });
    if (!Array.isArray(res.body)) throw new ApiError(res.status, 'bad_response', `GET ${path} did not answer with a list.`, 'GET', path);
    return res.body;
  }

  /** A whole list: follows 206 + `Next-Range` by re-requesting with `Range`, concatenating pages. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let range: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.request<T[]>('GET', path, range === undefined ? {} : { headers: { Range: range } });
      if (!Array.isArray(res.body)) throw new ApiError(res.status, 'bad_response', `GET ${path} did not answer with a list.`, 'GET', path);
      items.push(...res.body);
      const next = res.headers.get('next-range');
      if (res.status !== 206 || next === null || next === range) return items;
      range = next;
    }
    throw new CliError(`GET ${path} kept answering with more pages (over ${MAX_PAGES}); giving up.`);
  }

  private authorization(options: RequestOptions): string {
    if (options.basic) return `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64')}`;
    const key = options.token ?? this.apiKey;
    if (key === undefined) {
      throw new CliError(`Not logged in to ${this.baseUrl}.`, { hint: 'Run `berth login`, or set BERTH_API_KEY.' });
    }
    return `Bearer ${key}`;
  }
}

/** `/apps/<name>` with the name escaped. */
export function appPath(app: string, rest = ''): string {
  return `/apps/${encodeURIComponent(app)}${rest}`;
}
