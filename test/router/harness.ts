import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { AppRoute, RouteBackend } from '../../src/core/route-table.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import { startRouter, type RunningRouter, type StartRouterOptions } from '../../src/router/start-router.js';
import { waitFor } from '../support/wait.js';

export const DOMAIN = 'berth.test';

/** Short timeouts so every H-code can be provoked quickly. */
export const FAST: Partial<RouterOptions> = {
  connectTimeoutMs: 1_000,
  responseTimeoutMs: 600,
  idleTimeoutMs: 600,
  bootTimeoutMs: 400,
  headerTimeoutMs: 400,
  clientKeepAliveMs: 5_000,
  lingerMs: 300,
  quarantineMs: 1_000,
};

export interface TestBackend {
  port: number;
  /** TCP connections the dyno accepted. */
  connections: number;
  /** Requests seen, in order. */
  seen: IncomingMessage[];
  /** Resolves when a request's socket closes (to see aborted dyno-side requests). */
  closed: Array<Promise<void>>;
  server: Server;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export const hello: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '13' });
  res.end('Hello, world\n');
};

/** A real node:http "dyno" on 127.0.0.1. */
export async function startBackend(handler: Handler = hello): Promise<TestBackend> {
  const b: TestBackend = {
    port: 0, connections: 0, seen: [], closed: [], server: createHttpServer(),
    close: () => new Promise((resolve) => {
      b.server.closeAllConnections();
      b.server.close(() => resolve());
    }),
  };
  b.server.keepAliveTimeout = 10_000;
  b.server.on('connection', () => b.connections++);
  b.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    b.seen.push(req);
    b.closed.push(new Promise((resolve) => res.on('close', () => resolve())));
    handler(req, res);
  });
  await new Promise<void>((resolve) => b.server.listen(0, '127.0.0.1', resolve));
  b.port = (b.server.address() as AddressInfo).port;
  return b;
}

/** A dyno speaking raw TCP (for hangs, resets, garbage). */
export async function startRawBackend(onSocket: (socket: Socket) => void): Promise<{ port: number; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createNetServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const up = (port: number, dynoName = 'web.1', state: RouteBackend['state'] = 'up'): RouteBackend => ({ dynoName, host: '127.0.0.1', port, state });

export function app(name: string, backends: RouteBackend[], more: Partial<AppRoute> = {}): AppRoute {
  return { app: name, domains: [], maintenance: false, crashed: false, backends, ...more };
}

export interface TestRouter extends RunningRouter {
  port: number;
  logs: Array<{ app: string | null; line: string }>;
  /** Waits (bounded) for a log line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<{ app: string | null; line: string }>;
}

export async function startTestRouter(apps: AppRoute[], options: Partial<RouterOptions> = {}, more: Partial<StartRouterOptions> = {}): Promise<TestRouter> {
  const logs: Array<{ app: string | null; line: string }> = [];
  const r = await startRouter({
    port: 0, host: '127.0.0.1', table: { domain: DOMAIN, apps }, options: { ...FAST, ...options },
    onLog: (a, line) => logs.push({ app: a, line }), ...more,
  });
  return Object.assign(r, {
    port: r.ports.http,
    logs,
    waitForLog(pattern: RegExp, timeoutMs = 10_000) {
      return waitFor(`a router log line matching ${pattern}`, () => logs.find((l) => pattern.test(l.line)), timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}; got:\n${logs.map((l) => l.line).join('\n')}`);
      });
    },
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Everything received, as latin1. */
  raw: string;
}

/** Parses the first response in `raw` (Content-Length, chunked, or until close). */
export function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no complete response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    const k = l.slice(0, i).toLowerCase();
    headers[k] = headers[k] === undefined ? l.slice(i + 1).trim() : `${headers[k]}, ${l.slice(i + 1).trim()}`;
  }
  let body = raw.subarray(end + 4);
  if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  else if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine?.split(' ')[1]), headers, body, raw: text };
}

function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (let n = 0; n < 100_000; n++) {
    const eol = b.indexOf('\r\n', i);
    if (eol === -1) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Sends raw bytes, reads until the router closes (or `timeoutMs`); returns all bytes. */
export function rawRequest(port: number, data: string | Buffer | Array<string | Buffer>, timeoutMs = 3_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      s.destroy();
      resolve(Buffer.concat(chunks));
    }, timeoutMs);
    s.on('connect', () => {
      for (const d of Array.isArray(data) ? data : [data]) s.write(d);
    });
    s.on('data', (c) => chunks.push(c));
    s.on('error', (err) => {
      if (chunks.length > 0) return;
      clearTimeout(timer);
      reject(err);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** A kept-open client connection that reads responses one by one (Content-Length/chunked framed). */
export class RawClient {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (c) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
    this.socket.on('error', () => undefined);
  }

  ready(): Promise<void> {
    return new Promise((resolve) => (this.socket.connecting ? this.socket.once('connect', () => resolve()) : resolve()));
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete response (bounded wait). */
  async response(timeoutMs = 10_000, noBody = false): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.#take(noBody);
      if (r) return r;
      if (this.closed || Date.now() > deadline) throw new Error(`no complete response (closed=${this.closed}): ${JSON.stringify(this.#buf.toString('latin1').slice(0, 300))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves (true) when the router closes the connection; fails after `timeoutMs`. */
  closedByPeer(timeoutMs = 10_000): Promise<boolean> {
    return waitFor('the router to close the connection', () => this.closed, timeoutMs);
  }

  #take(noBody: boolean): RawResponse | null {
    const text = this.#buf.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end === -1) return null;
    const head = text.slice(0, end).toLowerCase();
    const status = Number(head.split(' ')[1]);
    const cl = /\r\ncontent-length: *(\d+)/.exec(head);
    let total: number;
    if (noBody || status < 200 || status === 204 || status === 304) total = end + 4;
    else if (cl) total = end + 4 + Number(cl[1]);
    else if (/\r\ntransfer-encoding: *chunked/.test(head)) {
      const term = this.#buf.indexOf('\r\n0\r\n\r\n', end);
      if (term === -1) return null;
      total = term + 7;
    } else if (this.closed) total = this.#buf.length;
    else return null;
    if (this.#buf.length < total) return null;
    const r = parseResponse(this.#buf.subarray(0, total));
    if (noBody) r.body = Buffer.alloc(0);
    this.#buf = this.#buf.subarray(total);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const get = (host: string, path = '/', extra = '') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`;
