import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { routerCodes, type RouterCode } from '../core/router-codes.js';
import { ChunkedFramer, FRAMER_ERROR } from './chunked-framer.js';
import type { EngineContext, PageTarget } from './engine-context.js';
import { errorPage, routerResponse } from './error-page.js';
import type { ClientSide, Exchange } from './exchange.js';
import { latin1 } from './latin1.js';
import { routerLogLine } from './router-log-line.js';
import { parseRequestHead, type RequestHead } from './request-head.js';

/** The engine as a client connection sees it. */
export interface ConnectionEngine extends EngineContext {
  /** Routes a parsed request: returns its exchange, or null when the router answered itself. */
  dispatch(conn: ClientConnection, req: RequestHead, hasBody: boolean): Exchange | null;
  forget(conn: ClientConnection): void;
}

type State = 'head' | 'body' | 'wait' | 'tunnel' | 'closing';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const SMALL_BODY = 2048;

/**
 * One client connection: reads request heads (strictly, with Heroku's size limits), frames
 * request bodies (Content-Length or chunked, relayed verbatim), runs one exchange at a time
 * (pipelined requests wait in a bounded buffer), keeps the connection alive between requests,
 * and enforces the header (slowloris) and keep-alive timeouts via the engine's sweep.
 */
export class ClientConnection implements ClientSide, PageTarget {
  state: State = 'head';
  exchange: Exchange | null = null;
  open = true;
  ended = false;
  readonly remoteIp: string;
  #buf: Buffer | null = null;
  #idle = true;
  #since: number;
  #requests = 0;
  #bodyRemaining = 0;
  #framer: ChunkedFramer | null = null;
  #keepAlive = true;
  #paused = false;

  constructor(
    readonly socket: Socket,
    readonly engine: ConnectionEngine,
    readonly proto: 'http' | 'https',
    readonly port: number,
  ) {
    const ip = socket.remoteAddress ?? '';
    this.remoteIp = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    this.#since = engine.clock;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', noop);
    socket.on('drain', this.#onDrain);
  }

  get via(): string {
    return this.engine.options.via;
  }

  // ---- reading --------------------------------------------------------------------------

  #onData = (chunk: Buffer): void => {
    try {
      switch (this.state) {
        case 'head':
          return this.#feedHead(chunk);
        case 'body':
          return this.#feedBody(chunk, 0);
        case 'wait':
          return this.#stash(chunk);
        case 'tunnel':
          return this.exchange?.onTunnelData(chunk);
        default:
          return;
      }
    } catch {
      // A bug, not the client's fault: answer H99 rather than crash the worker.
      if (this.exchange !== null) this.exchange.fail('H99');
      else this.#reject('H99', routerCodes.H99.status, 'Internal router error');
    }
  };

  #feedHead(chunk: Buffer): void {
    let data = chunk;
    if (this.#buf !== null) {
      data = Buffer.concat([this.#buf, chunk]);
      this.#buf = null;
    }
    let start = 0;
    while (start < data.length && (data[start] === 13 || data[start] === 10)) start++;
    if (start === data.length) return;
    if (this.#idle) {
      this.#idle = false;
      this.#since = this.engine.clock;
    }
    const o = this.engine.options;
    const idx = data.indexOf(CRLFCRLF, start);
    if (idx === -1) {
      const len = data.length - start;
      if (len > o.maxHeaderBytes) return this.#reject('H25', 431, `The request headers are over ${o.maxHeaderBytes} bytes`);
      if (len > o.maxHeaderLineBytes) {
        const lineStart = data.lastIndexOf('\r\n');
        if (data.length - (lineStart < start ? start : lineStart + 2) > o.maxHeaderLineBytes) {
          return this.#reject('H25', 431, `A header line is over ${o.maxHeaderLineBytes} bytes`);
        }
      }
      const lf = data.indexOf(10, start);
      if (lf !== -1 && data[lf - 1] !== 13) return this.#reject('H26', 400, 'Lines must end with CRLF');
      this.#buf = start === 0 ? data : data.subarray(start);
      return;
    }
    if (idx - start > o.maxHeaderBytes) return this.#reject('H25', 431, `The request headers are over ${o.maxHeaderBytes} bytes`);
    const req = parseRequestHead(latin1(data, start, idx), o);
    if ('code' in req) return this.#reject(req.code, req.status, req.reason, latin1(data, start, Math.min(idx, start + 200)));
    this.#begin(req, data, idx + 4);
  }

  #begin(req: RequestHead, data: Buffer, offset: number): void {
    this.#requests++;
    this.#keepAlive = req.keepAlive;
    let rest: Buffer | null = offset < data.length ? data.subarray(offset) : null;
    const hasBody = req.transferEncoding !== null || req.contentLength > 0;
    if (req.transferEncoding !== null) {
      this.#framer = new ChunkedFramer();
      this.state = 'body';
    } else if (req.contentLength > 0) {
      this.#framer = null;
      this.#bodyRemaining = req.contentLength;
      this.state = 'body';
    } else {
      this.state = 'wait';
      this.#buf = rest;
      rest = null;
    }
    this.exchange = this.engine.dispatch(this, req, hasBody);
    if (this.state === 'body' && rest !== null) this.#feedBody(rest, 0);
  }

  #feedBody(data: Buffer, start: number): void {
    const ex = this.exchange;
    const end = data.length;
    if (this.#framer === null) {
      const n = Math.min(this.#bodyRemaining, end - start);
      this.#bodyRemaining -= n;
      ex?.onRequestBody(data, start, start + n);
      if (this.#bodyRemaining === 0) this.#bodyDone(data, start + n);
      return;
    }
    const r = this.#framer.feed(data, start, end);
    if (r === FRAMER_ERROR) {
      const reason = `Invalid chunked request body: ${this.#framer.error}`;
      if (ex !== null) return ex.fail('H26');
      return this.#reject('H26', 400, reason);
    }
    ex?.onRequestBody(data, start, r < 0 ? end : r);
    if (r >= 0) this.#bodyDone(data, r);
  }

  #bodyDone(data: Buffer, offset: number): void {
    if (this.state !== 'body') return;
    this.state = 'wait';
    this.#framer = null;
    this.exchange?.onRequestEnd();
    if (offset < data.length && this.state === 'wait') this.#stash(data.subarray(offset));
  }

  /** Bytes after the current request (pipelining, or early WebSocket frames): held, bounded. */
  #stash(chunk: Buffer): void {
    this.#buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
    if (this.#buf.length > this.engine.options.maxHeaderBytes) this.pauseReading();
  }

  #onEnd = (): void => {
    this.ended = true;
    switch (this.state) {
      case 'body':
      case 'wait':
        // Like nginx and Heroku: a client that closes before the answer is complete has gone
        // away (H27); the dyno-side request is aborted.
        this.exchange?.clientGone();
        this.destroy();
        return;
      case 'tunnel':
        this.exchange?.onTunnelEnd();
        return;
      default:
        this.#close();
    }
  };

  #onClose = (): void => {
    this.open = false;
    this.exchange?.clientGone();
    this.exchange = null;
    this.engine.forget(this);
  };

  #onDrain = (): void => {
    this.exchange?.onClientDrain();
    if (this.state === 'head' && this.exchange === null && this.#buf !== null) this.#next();
  };

  // ---- writing --------------------------------------------------------------------------

  write(data: Buffer): boolean {
    return this.socket.write(data);
  }

  writeHead(head: string, body: Buffer | null): boolean {
    const s = this.socket;
    if (body === null) return s.write(head, 'latin1');
    if (body.length <= SMALL_BODY) return s.write(head + latin1(body, 0, body.length), 'latin1');
    s.cork();
    s.write(head, 'latin1');
    const ok = s.write(body);
    s.uncork();
    return ok;
  }

  /** Writes a complete router-made response; returns its size. */
  respond(raw: string, close: boolean): number {
    if (!this.open) return 0;
    this.socket.write(raw, 'latin1');
    this.requestDone(close);
    return raw.length;
  }

  /** The current response is complete: next request, or close. */
  requestDone(close: boolean): void {
    this.exchange = null;
    if (close || !this.#keepAlive || this.ended || this.state === 'body') return this.#close();
    this.state = 'head';
    this.#idle = true;
    this.#since = this.engine.clock;
    this.resumeReading();
    if (this.#buf !== null && !this.socket.writableNeedDrain) setImmediate(this.#next);
  }

  #next = (): void => {
    if (this.state !== 'head' || this.exchange !== null || this.#buf === null || !this.open) return;
    const buf = this.#buf;
    this.#buf = null;
    this.#feedHead(buf);
  };

  startTunnel(ex: Exchange): void {
    this.state = 'tunnel';
    this.resumeReading();
    const early = this.#buf;
    this.#buf = null;
    if (early !== null) ex.onTunnelData(early);
    if (this.ended) ex.onTunnelEnd();
  }

  pauseReading(): void {
    if (!this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  destroy(): void {
    this.open = false;
    this.socket.destroy();
  }

  /** Half-closes and drains what the client still sends (so it reads our answer), then closes. */
  #close(): void {
    if (this.state === 'closing') return;
    this.state = 'closing';
    this.#since = this.engine.clock;
    this.#buf = null;
    this.resumeReading();
    this.socket.end();
  }

  /** Answers a bad request (400/408/417/431), logs it, closes the connection. */
  #reject(code: RouterCode, status: number, reason: string, headText?: string): void {
    const raw = routerResponse(status, errorPage(code, reason), true, this.via);
    const requestLine = headText?.split('\r\n', 1)[0]?.split(' ') ?? [];
    const method = /^[A-Z]{1,20}$/.test(requestLine[0] ?? '') ? (requestLine[0] as string) : '';
    this.engine.log(null, routerLogLine({
      code, method, path: method !== '' ? (requestLine[1] ?? '').slice(0, 200) : '', host: '', requestId: randomUUID(), fwd: this.remoteIp,
      dyno: '', connectMs: -1, serviceMs: -1, status, bytes: raw.length, protocol: this.proto,
    }));
    this.exchange?.clientGone();
    this.exchange = null;
    if (this.open) this.socket.write(raw, 'latin1');
    this.#close();
  }

  /** Timeouts, called by the engine's sweep with the coarse clock. */
  checkTimeouts(now: number): void {
    const o = this.engine.options;
    switch (this.state) {
      case 'head':
        if (this.#idle) {
          if (now - this.#since >= (this.#requests === 0 ? o.headerTimeoutMs : o.clientKeepAliveMs)) this.destroy();
        } else if (now - this.#since >= o.headerTimeoutMs) {
          this.#reject('H28', routerCodes.H28.status, `The request head was not complete after ${o.headerTimeoutMs} ms`);
        }
        return;
      case 'closing':
        if (now - this.#since >= o.lingerMs) this.destroy();
        return;
      default:
        this.exchange?.checkTimeout(now);
    }
  }
}

function noop(): void {}
