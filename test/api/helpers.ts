import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Request-Id values are v4-style UUIDs. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let counter = 0;
/** A valid app name that no other test uses: `<prefix>-<pid>-<n>`, at most 30 characters. */
export function uniqueName(prefix: string): string {
  counter += 1;
  const name = `${prefix}-${process.pid.toString(36)}-${counter}`;
  assert.ok(name.length <= 30, `test app name ${name} is too long`);
  return name;
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const bearer = (key: string): string => `Bearer ${key}`;

export const jsonBody = (value: unknown): string => JSON.stringify(value);

/**
 * Asserts an error response: the status, a Request-Id, a JSON body of exactly `{id, message}`
 * (and Heroku's `resource` where it has one)
 * with the given id and a non-empty message. Returns the body.
 */
export async function expectError(res: Response, status: number, id: string): Promise<{ id: string; message: string }> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status} ${id}, got ${res.status}: ${text}`);
  assert.match(res.headers.get('request-id') ?? '', UUID);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  // Heroku adds `resource` to some errors (a 404 of a session or an authorization): clients read it.
  if ('resource' in body) assert.equal(typeof body.resource, 'string');
  assert.deepEqual(Object.keys(body).filter((k) => k !== 'resource').sort(), ['id', 'message']);
  assert.equal(body.id, id);
  assert.equal(typeof body.message, 'string');
  assert.ok((body.message as string).length > 0);
  return body as { id: string; message: string };
}

/** Asserts a status (printing the body when it differs) and returns the parsed JSON body. */
export async function expectJson<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text}`);
  assert.match(res.headers.get('request-id') ?? '', UUID);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return JSON.parse(text) as T;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A request through node:http, for what fetch cannot express: no Accept header at all, or a
 * chunked body with no Content-Length. `body` chunks are written one by one; with
 * `contentLength: true` an honest Content-Length is sent, otherwise the body is chunked.
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer[]; contentLength?: boolean } = {},
): Promise<RawResponse> {
  // The path is sent as given (not normalized through URL), so tests can send odd targets.
  const url = new URL(baseUrl);
  const chunks = options.body ?? [];
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentLength) headers['content-length'] = String(chunks.reduce((n, c) => n + c.length, 0));
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before the whole body is written; once a response
    // arrived, a write error on the refused body is expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (chunks.length > 0 && !options.contentLength) req.setHeader('transfer-encoding', 'chunked');
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** The parsed body of a RawResponse error, checked like expectError. */
export function expectRawError(res: RawResponse, status: number, id: string): { id: string; message: string } {
  assert.equal(res.status, status, `expected ${status} ${id}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['request-id'] ?? ''), UUID);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  // Heroku adds `resource` to some errors (a 404 of a session or an authorization): clients read it.
  if ('resource' in body) assert.equal(typeof body.resource, 'string');
  assert.deepEqual(Object.keys(body).filter((k) => k !== 'resource').sort(), ['id', 'message']);
  assert.equal(body.id, id);
  return body as { id: string; message: string };
}
