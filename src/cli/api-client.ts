import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
  /** Wait this long for the answer instead of the client's default (stacks:update takes minutes). */
  timeoutMs?: number;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const MAX_PAGES = 10_000;

export interface ApiClientOptions {
  /** The whole request, headers and body (default 60 s). */
  timeoutMs?: number;
  /** CAs to trust for https (Node's roots plus Berth's), instead of Node's defaults. */
  ca?: string[];
}

/**
 * The Platform API over HTTP(S) with node:http(s): unlike fetch, it takes the CAs to trust per
 * client, so a Berth CA saved at login works without NODE_EXTRA_CA_CERTS.
 */
export class ApiClient {
  private readonly timeoutMs: number;
  private readonly agent: HttpsAgent | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    options: ApiClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.agent = options.ca === undefined ? undefined : new HttpsAgent({ keepAlive: true, ca: options.ca });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.heroku+json; version=3',
      'User-Agent': 'berth-cli',
      Authorization: this.authorization(options),
      ...options.headers,
    };
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    let res: { status: number; headers: Headers; text: string };
    try {
      res = await exchange(new URL(`${this.baseUrl}${path}`), { method, headers, payload, timeoutMs: options.timeoutMs ?? this.timeoutMs, agent: this.agent });
    } catch (err) {
      throw new ConnectionError(this.baseUrl, err);
    }
    const text = res.text;
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad_response', `The API at ${this.baseUrl} answered ${method} ${path} with ${res.status} and a body that is not JSON.`, method, path);
    }
    if (res.status < 200 || res.status > 299) {
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

interface Exchange {
  method: string;
  headers: Record<string, string>;
  payload: Buffer | undefined;
  timeoutMs: number;
  agent: HttpsAgent | undefined;
}

/** One request and its whole answer; a timeout fails it with ETIMEDOUT. */
function exchange(url: URL, options: Exchange): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') return reject(new CliError(`Cannot call ${url.origin}: only http and https are supported.`));
    const send = https ? httpsRequest : httpRequest;
    const req = send(url, { method: options.method, headers: options.headers, ...(https && options.agent ? { agent: options.agent } : {}) });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })), options.timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.once('end', () => {
        clearTimeout(timer);
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        }
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(options.payload);
  });
}
