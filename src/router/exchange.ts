import { routerCodes, type RouterCode } from '../core/router-codes.js';
import type { AppDispatcher, Waiter } from './app-dispatcher.js';
import type { Backend, BackendConn, BackendUser } from './backend-pool.js';
import { ChunkedFramer, FRAMER_ERROR } from './chunked-framer.js';
import type { EngineContext } from './engine-context.js';
import { latin1 } from './latin1.js';
import { routerLogLine } from './log-line.js';
import type { RequestHead } from './request-head.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';

/** The client side of an exchange (implemented by ClientConnection). */
export interface ClientSide {
  readonly proto: 'http' | 'https';
  readonly port: number;
  readonly open: boolean;
  readonly ended: boolean;
  readonly via: string;
  write(data: Buffer): boolean;
  writeHead(head: string, body: Buffer | null): boolean;
  respond(raw: string, close: boolean): number;
  pauseReading(): void;
  resumeReading(): void;
  requestDone(close: boolean): void;
  startTunnel(ex: Exchange): void;
  destroy(): void;
}

/**
 * Phases (named after heroku/vegur's, so each failure is attributed): `queued` (waiting for a
 * dyno slot or a booting dyno) → `connecting` → `sending` (request body in flight) → `waiting`
 * (request sent, H12 clock running) → `streaming` (response relayed, H15 window) → `done`;
 * `tunnel` after a 101 (WebSocket).
 */
export type Phase = 'queued' | 'connecting' | 'sending' | 'waiting' | 'streaming' | 'tunnel' | 'done';

const enum Mode { None, Length, Chunked, Decode, Close }
const CRLFCRLF = Buffer.from('\r\n\r\n');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const SMALL_BODY = 2048;

export class Exchange implements BackendUser, Waiter {
  phase: Phase = 'queued';
  phaseAt: number;
  lastActivity: number;
  waitKind: 'boot' | 'busy' = 'busy';
  tried: Backend[] | null = null;
  backend: Backend | null = null;
  bconn: BackendConn | null = null;
  #connectError: 'H19' | 'H21' = 'H21';
  #connectStart = 0;
  #connectMs = -1;
  #sentAt = 0;
  #pending: Buffer[] | null = null;
  #pendingBytes = 0;
  #reqComplete: boolean;
  #respBuf: Buffer | null = null;
  #mode = Mode.None;
  #remaining = 0;
  #framer: ChunkedFramer | null = null;
  #closeClient = false;
  #reusable = true;
  #keepAliveMs = -1;
  #started = false;
  #status = 0;
  #bytes = 0;
  #pausedBackend = false;
  #staleRetried = false;
  #dyno = '';

  constructor(
    readonly engine: EngineContext,
    readonly client: ClientSide,
    readonly req: RequestHead,
    readonly dispatcher: AppDispatcher,
    readonly requestId: string,
    readonly fwd: string,
    readonly startMs: number,
    hasBody: boolean,
  ) {
    this.phaseAt = engine.clock;
    this.lastActivity = engine.clock;
    this.#reqComplete = !hasBody;
  }

  get app(): string {
    return this.dispatcher.route.app;
  }

  // ---- checkout and connecting ----------------------------------------------------------

  assign(b: Backend): void {
    if (this.phase === 'done') return;
    this.backend = b;
    this.#dyno = b.dynoName;
    b.inFlight++;
    const idle = b.takeIdle();
    if (idle !== undefined) {
      idle.user = this;
      idle.uses++;
      this.bconn = idle;
      if (this.#connectMs < 0) this.#connectMs = 0;
      this.#send();
      return;
    }
    this.#connect(b);
  }

  #connect(b: Backend): void {
    this.phase = 'connecting';
    this.phaseAt = this.engine.clock;
    this.#connectStart = Date.now();
    try {
      this.bconn = b.connect(this);
    } catch {
      // An unusable dyno address in the route table: the platform's fault.
      this.fail('H99');
    }
  }

  onBackendConnect(): void {
    this.#connectMs = Date.now() - this.#connectStart;
    this.#send();
  }

  /** Connect timed out (called by the sweep) or failed: try another dyno before any byte was sent. */
  connectFailed(timeout: boolean): void {
    const b = this.backend as Backend;
    this.#connectMs = Date.now() - this.#connectStart;
    const conn = this.bconn;
    this.backend = null;
    this.bconn = null;
    if (conn !== null) {
      conn.user = null;
      conn.socket.destroy();
    }
    b.inFlight--;
    b.quarantinedUntil = this.engine.clock + this.engine.options.quarantineMs;
    this.#connectError = timeout ? 'H19' : 'H21';
    (this.tried ??= []).push(b);
    this.engine.backendFreed(b);
    if (this.tried.length >= this.engine.options.maxConnectAttempts || !this.dispatcher.retry(this)) this.fail(this.#connectError);
  }

  noDynoLeft(): void {
    this.fail(this.tried !== null ? this.#connectError : 'H14');
  }

  #send(): void {
    const now = Date.now();
    const r = this.req;
    const c = this.client;
    const o = this.engine.options;
    this.#sentAt = now;
    this.phase = this.#reqComplete ? 'waiting' : 'sending';
    this.phaseAt = this.engine.clock;
    this.lastActivity = this.engine.clock;
    let head = `${r.method} ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\n${r.forward}X-Forwarded-For: ${this.fwd}\r\nX-Forwarded-Proto: ${c.proto}\r\nX-Forwarded-Port: ${c.port}\r\nX-Request-Start: ${this.startMs}\r\nX-Request-Id: ${this.requestId}\r\nVia: ${r.via === null ? o.via : `${r.via}, ${o.via}`}\r\n`;
    if (o.timingHeaders) head += `Connect-Time: ${this.#connectMs}\r\nTotal-Route-Time: ${now - this.startMs - this.#connectMs}\r\n`;
    if (r.transferEncoding !== null) head += `Transfer-Encoding: ${r.transferEncoding}\r\n`;
    else if (r.contentLength >= 0) head += `Content-Length: ${r.contentLength}\r\n`;
    if (r.upgrade !== null) head += `Connection: Upgrade\r\nUpgrade: ${r.upgrade}\r\n`;
    head += '\r\n';
    const s = (this.bconn as BackendConn).socket;
    if (this.#pending === null) {
      s.write(head, 'latin1');
      return;
    }
    s.cork();
    s.write(head, 'latin1');
    for (const p of this.#pending) s.write(p);
    s.uncork();
    this.#pending = null;
    this.#pendingBytes = 0;
    this.client.resumeReading();
  }

  // ---- request body from the client -----------------------------------------------------

  onRequestBody(buf: Buffer, start: number, end: number): void {
    if (start === end || this.phase === 'done') return;
    this.lastActivity = this.engine.clock;
    const chunk = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    const conn = this.bconn;
    if (conn !== null && conn.connected && this.phase !== 'connecting' && this.phase !== 'queued') {
      if (!conn.socket.write(chunk)) this.client.pauseReading();
      return;
    }
    (this.#pending ??= []).push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes > this.engine.options.maxBufferedBodyBytes) this.client.pauseReading();
  }

  onRequestEnd(): void {
    this.#reqComplete = true;
    if (this.phase === 'sending') {
      this.phase = 'waiting';
      this.phaseAt = this.engine.clock;
    }
  }

  onInternalError(): void {
    this.fail('H99');
  }

  onBackendDrain(): void {
    if (this.phase === 'sending' || this.phase === 'tunnel') this.client.resumeReading();
  }

  onClientDrain(): void {
    if (this.#pausedBackend && this.bconn !== null) {
      this.#pausedBackend = false;
      this.bconn.socket.resume();
    }
  }

  // ---- response from the dyno -----------------------------------------------------------

  onBackendData(chunk: Buffer): void {
    this.lastActivity = this.engine.clock;
    if (this.phase === 'streaming') return this.#relay(chunk, 0, null);
    if (this.phase === 'tunnel') {
      this.#bytes += chunk.length;
      if (!this.client.write(chunk)) this.#pauseBackend();
      return;
    }
    if (this.phase !== 'waiting' && this.phase !== 'sending') return;
    this.#head(chunk);
  }

  #head(chunk: Buffer): void {
    let buf = chunk;
    if (this.#respBuf !== null) {
      buf = Buffer.concat([this.#respBuf, chunk]);
      this.#respBuf = null;
    }
    const idx = buf.indexOf(CRLFCRLF);
    if (idx === -1) {
      if (buf.length > this.engine.options.maxResponseHeaderBytes) return this.fail('H17');
      this.#respBuf = buf;
      return;
    }
    const h = parseResponseHead(latin1(buf, 0, idx));
    if (typeof h === 'string') return this.fail('H17');
    const rest = idx + 4;
    if (h.status < 200) {
      if (h.status === 101) return this.#upgrade(h, buf, rest);
      if (!this.req.http10) {
        const interim = `HTTP/1.1 ${h.status} ${h.reason}\r\n${h.forward}\r\n`;
        this.client.write(Buffer.from(interim, 'latin1'));
      }
      if (rest < buf.length) this.#head(buf.subarray(rest));
      return;
    }
    this.#start(h, buf, rest);
  }

  #start(h: ResponseHead, buf: Buffer, rest: number): void {
    const r = this.req;
    const o = this.engine.options;
    let framing = '';
    if (r.method === 'HEAD' || h.status === 204 || h.status === 304) {
      this.#mode = Mode.None;
      if (h.contentLength >= 0 && h.status !== 204) framing = `Content-Length: ${h.contentLength}\r\n`;
    } else if (h.chunked) {
      if (r.http10) {
        this.#mode = Mode.Decode;
        this.#closeClient = true;
        this.#framer = new ChunkedFramer((b, s, e) => {
          this.#bytes += e - s;
          if (!this.client.write(b.subarray(s, e))) this.#pauseBackend();
        });
      } else {
        this.#mode = Mode.Chunked;
        this.#framer = new ChunkedFramer();
        framing = 'Transfer-Encoding: chunked\r\n';
      }
    } else if (h.contentLength >= 0) {
      this.#mode = Mode.Length;
      this.#remaining = h.contentLength;
      framing = `Content-Length: ${h.contentLength}\r\n`;
    } else {
      this.#mode = Mode.Close;
      this.#closeClient = true;
    }
    if (!r.keepAlive || !this.#reqComplete || this.client.ended) this.#closeClient = true;
    if (h.close || this.#mode === Mode.Close) this.#reusable = false;
    this.#keepAliveMs = h.keepAliveMs;
    const connection = this.#closeClient ? 'Connection: close\r\n' : r.http10 ? 'Connection: keep-alive\r\n' : '';
    const via = h.via === null ? o.via : `${h.via}, ${o.via}`;
    const head = `HTTP/1.1 ${h.status} ${h.reason}\r\n${h.forward}${framing}${connection}Via: ${via}\r\n\r\n`;
    this.phase = 'streaming';
    this.#started = true;
    this.#status = h.status;
    this.lastActivity = this.engine.clock;
    if (this.#mode === Mode.None) {
      if (rest < buf.length) this.#reusable = false;
      this.#bytes += head.length;
      this.client.writeHead(head, null);
      return this.#complete();
    }
    this.#relay(buf, rest, head);
  }

  #relay(buf: Buffer, start: number, head: string | null): void {
    const end = buf.length;
    let stop = end;
    let done = false;
    switch (this.#mode) {
      case Mode.Length: {
        const n = Math.min(this.#remaining, end - start);
        this.#remaining -= n;
        stop = start + n;
        done = this.#remaining === 0;
        if (stop < end) this.#reusable = false;
        break;
      }
      case Mode.Chunked: {
        const r = (this.#framer as ChunkedFramer).feed(buf, start, end);
        if (r === FRAMER_ERROR) return this.fail('H17');
        if (r >= 0) {
          stop = r;
          done = true;
          if (stop < end) this.#reusable = false;
        }
        break;
      }
      case Mode.Decode: {
        if (head !== null) {
          this.#bytes += head.length;
          this.client.writeHead(head, null);
        }
        const r = (this.#framer as ChunkedFramer).feed(buf, start, end);
        if (r === FRAMER_ERROR) return this.fail('H17');
        if (r >= 0) this.#complete();
        return;
      }
      default:
        break;
    }
    let ok = true;
    if (head !== null) {
      this.#bytes += head.length + (stop - start);
      ok = this.client.writeHead(head, stop > start ? buf.subarray(start, stop) : null);
    } else if (stop > start) {
      this.#bytes += stop - start;
      ok = this.client.write(start === 0 && stop === end ? buf : buf.subarray(start, stop));
    }
    if (done) return this.#complete();
    if (!ok) this.#pauseBackend();
  }

  #pauseBackend(): void {
    if (this.bconn !== null && !this.#pausedBackend) {
      this.#pausedBackend = true;
      this.bconn.socket.pause();
    }
  }

  onBackendClosed(code: string | undefined): void {
    switch (this.phase) {
      case 'connecting':
        return this.connectFailed(false);
      case 'sending':
        this.bconn = null;
        return this.fail('H18');
      case 'waiting': {
        const conn = this.bconn as BackendConn;
        this.bconn = null;
        // A reused keep-alive connection the dyno closed as we sent: the request never reached
        // the app. Only bodyless safe requests are replayed, once, on a new connection.
        if (conn.uses > 0 && this.#respBuf === null && !this.#staleRetried && this.#pending === null &&
            this.req.contentLength <= 0 && this.req.transferEncoding === null && SAFE_METHODS.has(this.req.method) && code !== 'ETIMEDOUT') {
          this.#staleRetried = true;
          const b = this.backend as Backend;
          b.inFlight--;
          this.backend = null;
          return this.assignFresh(b);
        }
        return this.fail(this.#respBuf === null ? 'H13' : 'H17');
      }
      case 'streaming':
        this.bconn = null;
        if (this.#mode === Mode.Close) return this.#complete();
        return this.fail('H18');
      case 'tunnel':
        this.bconn = null;
        this.#releaseSlot(false);
        this.phase = 'done';
        this.client.requestDone(true);
        return;
      default:
        return;
    }
  }

  /** The stale keep-alive replay: same dyno, a new connection. */
  assignFresh(b: Backend): void {
    this.backend = b;
    b.inFlight++;
    this.#connect(b);
  }

  // ---- WebSocket / Upgrade --------------------------------------------------------------

  #upgrade(h: ResponseHead, buf: Buffer, rest: number): void {
    if (this.req.upgrade === null) return this.fail('H17');
    const o = this.engine.options;
    const head = `HTTP/1.1 101 ${h.reason}\r\n${h.forward}Connection: Upgrade\r\nUpgrade: ${h.upgrade ?? this.req.upgrade}\r\nVia: ${o.via}\r\n\r\n`;
    this.#status = 101;
    this.#started = true;
    this.phase = 'tunnel';
    this.#bytes += head.length + (buf.length - rest);
    this.client.writeHead(head, rest < buf.length ? buf.subarray(rest) : null);
    this.#log(null);
    // A tunnel does not hold one of the dyno's request slots.
    const b = this.backend as Backend;
    b.inFlight--;
    this.engine.backendFreed(b);
    this.client.startTunnel(this);
  }

  onTunnelData(chunk: Buffer): void {
    this.lastActivity = this.engine.clock;
    if (this.bconn !== null && !this.bconn.socket.write(chunk)) this.client.pauseReading();
  }

  onTunnelEnd(): void {
    this.bconn?.socket.end();
  }

  // ---- endings --------------------------------------------------------------------------

  #complete(): void {
    this.phase = 'done';
    this.#log(null);
    const reusable = this.#reusable && this.#reqComplete && this.#pending === null;
    this.#releaseSlot(reusable);
    this.client.requestDone(this.#closeClient || !this.#reqComplete);
  }

  /** Fails the exchange with `code`: an error page if nothing was sent yet, else a closed connection. */
  fail(code: RouterCode): void {
    if (this.phase === 'done') return;
    const wasQueued = this.phase === 'queued';
    const wasTunnel = this.phase === 'tunnel';
    this.phase = 'done';
    if (wasQueued) this.dispatcher.remove(this);
    else if (!wasTunnel) this.#releaseSlot(false);
    else this.#dropConn();
    if (this.#started || !this.client.open) {
      this.#status = wasTunnel || this.#status === 0 ? routerCodes[code].status : this.#status;
      this.#log(code);
      this.client.destroy();
      return;
    }
    const close = !this.#reqComplete || !this.req.keepAlive || this.client.ended;
    this.engine.sendCodePage(this.client, code, this.dispatcher.route, close, (status, bytes) => {
      this.#status = status;
      this.#bytes = bytes;
      this.#log(code);
    });
  }

  /** The client went away (H27): the dyno side is closed, never pooled. */
  clientGone(): void {
    if (this.phase === 'done') return;
    if (this.phase === 'tunnel') {
      this.phase = 'done';
      this.#dropConn();
      return;
    }
    const wasQueued = this.phase === 'queued';
    this.phase = 'done';
    if (wasQueued) this.dispatcher.remove(this);
    else this.#releaseSlot(false);
    this.#status = routerCodes.H27.status;
    this.#log('H27');
  }

  /** Called by the sweep with the coarse clock. */
  checkTimeout(now: number): void {
    const o = this.engine.options;
    switch (this.phase) {
      case 'queued':
        if (this.waitKind === 'boot' ? now - this.phaseAt >= o.bootTimeoutMs : now - this.phaseAt >= o.responseTimeoutMs) {
          this.fail(this.waitKind === 'boot' ? 'H20' : 'H12');
        }
        return;
      case 'connecting':
        if (now - this.phaseAt >= o.connectTimeoutMs) this.connectFailed(true);
        return;
      case 'waiting':
        if (now - this.phaseAt >= o.responseTimeoutMs) this.fail('H12');
        return;
      case 'sending':
      case 'streaming':
      case 'tunnel':
        if (now - this.lastActivity >= o.idleTimeoutMs) this.fail('H15');
        return;
      default:
        return;
    }
  }

  #releaseSlot(reusable: boolean): void {
    const b = this.backend;
    const conn = this.bconn;
    this.bconn = null;
    if (conn !== null) {
      if (this.#pausedBackend) conn.socket.resume();
      const keepAlive = this.#keepAliveMs > 1000 ? Math.min(this.#keepAliveMs - 1000, this.engine.options.backendKeepAliveMs) : this.engine.options.backendKeepAliveMs;
      this.engine.checkin(conn, reusable, this.#keepAliveMs >= 0 && this.#keepAliveMs <= 1000 ? 0 : keepAlive);
    }
    if (b !== null && this.phase !== 'tunnel') {
      this.backend = null;
      b.inFlight--;
      this.engine.backendFreed(b);
    }
  }

  #dropConn(): void {
    const conn = this.bconn;
    this.bconn = null;
    this.backend = null;
    if (conn !== null) {
      conn.user = null;
      conn.socket.destroy();
    }
  }

  #log(code: RouterCode | null): void {
    this.engine.log(this.app, routerLogLine({
      code, method: this.req.method, path: this.req.target, host: this.req.hostKey, requestId: this.requestId, fwd: this.fwd,
      dyno: this.#dyno, connectMs: this.#connectMs, serviceMs: this.#sentAt > 0 ? Date.now() - this.#sentAt : -1,
      status: this.#status, bytes: this.#bytes, protocol: this.client.proto,
    }));
  }

}
