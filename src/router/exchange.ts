import { routerCodes, type RouterCode } from '../core/router-codes.js';
import type { AppDispatcher, Waiter } from './app-dispatcher.js';
import type { Backend, BackendConn, BackendUser } from './backend-pool.js';
import type { EngineContext, PageTarget } from './engine-context.js';
import { routerLogLine } from './router-log-line.js';
import type { RequestHead } from './request-head.js';
import type { ResponseHead } from './response-head.js';
import { ResponseRelay, type RelayClient, type RelayOwner } from './response-relay.js';

/** The client side of an exchange (implemented by ClientConnection). */
export interface ClientSide extends RelayClient, PageTarget {
  readonly proto: 'http' | 'https';
  readonly port: number;
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

/** Methods a request may be sent twice with (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** One request through the router: checkout, connect, send, relay, log. */
export class Exchange implements BackendUser, Waiter, RelayOwner {
  #phase: Phase = 'queued';
  /** When the current phase began (coarse clock): the H12/H19/H20 timeouts count from it. */
  #phaseAt: number;
  /** Last byte either way (coarse clock): the H15 idle window counts from it. */
  #lastActivity: number;
  #waitKind: 'boot' | 'busy' = 'busy';
  #tried: Backend[] | null = null;
  #backend: Backend | null = null;
  #bconn: BackendConn | null = null;
  #requestComplete: boolean;
  readonly #relay: ResponseRelay;
  #connectError: 'H19' | 'H21' = 'H21';
  #connectStart = 0;
  #connectMs = -1;
  #sentAt = 0;
  #pending: Buffer[] | null = null;
  #pendingBytes = 0;
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
    this.#phaseAt = engine.clock;
    this.#lastActivity = engine.clock;
    this.#requestComplete = !hasBody;
    this.#relay = new ResponseRelay(this, client, req, engine.options.via, engine.options.maxResponseHeaderBytes, engine.options.cookieDomain, client.proto === 'https' && dispatcher.route.hsts === true);
  }

  get app(): string {
    return this.dispatcher.route.app;
  }

  /** The whole request (head and body) has arrived from the client. */
  get requestComplete(): boolean {
    return this.#requestComplete;
  }

  /** Dynos that failed to connect for this request (never picked again). */
  get tried(): readonly Backend[] | null {
    return this.#tried;
  }

  /** Every phase change goes through here: the phase's clock restarts. */
  #enter(phase: Phase): void {
    this.#phase = phase;
    this.#phaseAt = this.engine.clock;
  }

  /** The dispatcher queued this request: for a booting dyno (H20 clock) or a free slot (H12 clock). */
  waitFor(kind: 'boot' | 'busy'): void {
    this.#waitKind = kind;
    this.#enter('queued');
  }

  // ---- checkout and connecting ----------------------------------------------------------

  assign(b: Backend): void {
    if (this.#phase === 'done') return;
    this.#backend = b;
    this.#dyno = b.dynoName;
    b.inFlight++;
    const idle = b.takeIdle();
    if (idle === undefined) return this.#connect(b);
    idle.lend(this);
    this.#bconn = idle;
    if (this.#connectMs < 0) this.#connectMs = 0;
    this.#send();
  }

  #connect(b: Backend): void {
    this.#enter('connecting');
    this.#connectStart = Date.now();
    try {
      this.#bconn = b.connect(this);
    } catch {
      this.fail('H99'); // an unusable dyno address in the route table: the platform's fault
    }
  }

  onBackendConnect(): void {
    this.#connectMs = Date.now() - this.#connectStart;
    this.#send();
  }

  /** Connect timed out (called by the sweep) or failed: try another dyno before any byte was sent. */
  connectFailed(timeout: boolean): void {
    const b = this.#backend as Backend;
    this.#connectMs = Date.now() - this.#connectStart;
    this.#dropConn();
    b.inFlight--;
    b.quarantine(this.engine.clock + this.engine.options.quarantineMs);
    this.#connectError = timeout ? 'H19' : 'H21';
    (this.#tried ??= []).push(b);
    this.engine.backendFreed(b);
    if (this.#tried.length >= this.engine.options.maxConnectAttempts || !this.dispatcher.retry(this)) this.fail(this.#connectError);
  }

  /** Sends the request again from the start: to `b` unless it left the route, else to another dyno. */
  #replay(b: Backend): void {
    if (!b.retired) return this.#connect(b);
    this.#backend = null;
    b.inFlight--;
    this.engine.backendFreed(b);
    this.#enter('queued');
    this.dispatcher.admit(this);
  }

  noDynoLeft(): void {
    this.fail(this.#tried !== null ? this.#connectError : 'H14');
  }

  #send(): void {
    const now = Date.now();
    const r = this.req;
    const c = this.client;
    const o = this.engine.options;
    this.#sentAt = now;
    this.#enter(this.#requestComplete ? 'waiting' : 'sending');
    this.#lastActivity = this.engine.clock;
    let head = `${r.method} ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\n${r.forward}X-Forwarded-For: ${this.fwd}\r\nX-Forwarded-Proto: ${c.proto}\r\nX-Forwarded-Port: ${c.port}\r\nX-Request-Start: ${this.startMs}\r\nX-Request-Id: ${this.requestId}\r\nVia: ${r.via === null ? o.via : `${r.via}, ${o.via}`}\r\n`;
    if (o.timingHeaders) head += `Connect-Time: ${this.#connectMs}\r\nTotal-Route-Time: ${now - this.startMs - this.#connectMs}\r\n`;
    if (r.transferEncoding !== null) head += `Transfer-Encoding: ${r.transferEncoding}\r\n`;
    else if (r.contentLength >= 0) head += `Content-Length: ${r.contentLength}\r\n`;
    if (r.upgrade !== null) head += `Connection: Upgrade\r\nUpgrade: ${r.upgrade}\r\n`;
    head += '\r\n';
    const s = (this.#bconn as BackendConn).socket;
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
    if (start === end || this.#phase === 'done') return;
    this.#lastActivity = this.engine.clock;
    const chunk = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    const conn = this.#bconn;
    if (conn !== null && conn.connected && this.#phase !== 'connecting' && this.#phase !== 'queued') {
      if (!conn.socket.write(chunk)) this.client.pauseReading();
      return;
    }
    (this.#pending ??= []).push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes > this.engine.options.maxBufferedBodyBytes) this.client.pauseReading();
  }

  onRequestEnd(): void {
    this.#requestComplete = true;
    if (this.#phase === 'sending') this.#enter('waiting');
  }

  onBackendDrain(): void {
    if (this.#phase === 'sending' || this.#phase === 'tunnel') this.client.resumeReading();
  }

  onClientDrain(): void {
    if (this.#pausedBackend && this.#bconn !== null) {
      this.#pausedBackend = false;
      this.#bconn.socket.resume();
    }
  }

  // ---- response from the dyno (ResponseRelay does the work) ------------------------------

  onBackendData(chunk: Buffer): void {
    this.#lastActivity = this.engine.clock;
    if (this.#phase === 'tunnel') {
      this.#relay.countTunnelBytes(chunk.length);
      if (!this.client.write(chunk)) this.pauseBackend();
    } else if (this.#phase === 'waiting' || this.#phase === 'sending' || this.#phase === 'streaming') {
      this.#relay.onData(chunk);
    }
  }

  onInternalError(): void {
    this.fail('H99');
  }

  pauseBackend(): void {
    if (this.#bconn !== null && !this.#pausedBackend) {
      this.#pausedBackend = true;
      this.#bconn.socket.pause();
    }
  }

  responseStarted(): void {
    this.#enter('streaming');
    this.#lastActivity = this.engine.clock;
  }

  responseComplete(): void {
    this.#enter('done');
    this.#log(null);
    this.#releaseSlot(this.#relay.reusable && this.#requestComplete && this.#pending === null);
    this.client.requestDone(this.#relay.closeClient || !this.#requestComplete);
  }

  responseFailed(code: 'H17'): void {
    this.fail(code);
  }

  onBackendClosed(code: string | undefined): void {
    switch (this.#phase) {
      case 'connecting':
        return this.connectFailed(false);
      case 'sending':
        this.#bconn = null;
        return this.fail('H18');
      case 'waiting': {
        const conn = this.#bconn as BackendConn;
        this.#bconn = null;
        // A reused keep-alive connection the dyno closed or reset before any response byte: the
        // request most likely never reached the app. Bodyless idempotent requests are replayed,
        // once (RFC 9110 §9.2.2): on a new connection to the same dyno, or on another dyno when
        // this one has left the route.
        if (conn.uses > 0 && !this.#relay.headPending && !this.#staleRetried && this.#pending === null && code !== 'ETIMEDOUT' &&
            this.req.contentLength <= 0 && this.req.transferEncoding === null && IDEMPOTENT_METHODS.has(this.req.method)) {
          this.#staleRetried = true;
          return this.#replay(this.#backend as Backend);
        }
        return this.fail(this.#relay.headPending ? 'H17' : 'H13');
      }
      case 'streaming':
        this.#bconn = null;
        return this.#relay.untilClose ? this.responseComplete() : this.fail('H18');
      case 'tunnel':
        this.#bconn = null;
        this.#enter('done');
        this.#backend = null;
        this.client.requestDone(true);
        return;
      default:
        return;
    }
  }

  // ---- WebSocket / Upgrade --------------------------------------------------------------

  upgraded(h: ResponseHead, buf: Buffer, rest: number): void {
    if (this.req.upgrade === null) return this.fail('H17');
    const head = `HTTP/1.1 101 ${h.reason}\r\n${h.forward}Connection: Upgrade\r\nUpgrade: ${h.upgrade ?? this.req.upgrade}\r\nVia: ${this.engine.options.via}\r\n\r\n`;
    this.#relay.markUpgraded(head.length + (buf.length - rest));
    this.client.writeHead(head, rest < buf.length ? buf.subarray(rest) : null);
    this.#log(null);
    // A tunnel does not hold one of the dyno's request slots.
    const b = this.#backend as Backend;
    b.inFlight--;
    this.#enter('tunnel');
    this.engine.backendFreed(b);
    this.client.startTunnel(this);
  }

  onTunnelData(chunk: Buffer): void {
    this.#lastActivity = this.engine.clock;
    if (this.#bconn !== null && !this.#bconn.socket.write(chunk)) this.client.pauseReading();
  }

  onTunnelEnd(): void {
    this.#bconn?.socket.end();
  }

  // ---- endings --------------------------------------------------------------------------

  /** Fails the exchange with `code`: an error page if nothing was sent yet, else a closed connection. */
  fail(code: RouterCode): void {
    if (this.#phase === 'done') return;
    const was = this.#phase;
    this.#enter('done');
    if (was === 'queued') this.dispatcher.remove(this);
    else if (was === 'tunnel') this.#dropConn();
    else this.#releaseSlot(false);
    const relay = this.#relay;
    if (relay.started || !this.client.open) {
      if (was === 'tunnel' || relay.status === 0) relay.recordStatus(routerCodes[code].status);
      this.#log(code);
      this.client.destroy();
      return;
    }
    const close = !this.#requestComplete || !this.req.keepAlive || this.client.ended;
    this.engine.sendCodePage(this.client, code, this.dispatcher.route, close, (status, bytes) => {
      relay.recordStatus(status, bytes);
      this.#log(code);
    });
  }

  /** The client went away (H27): the dyno side is closed, never pooled. */
  clientGone(): void {
    if (this.#phase === 'done') return;
    const was = this.#phase;
    this.#enter('done');
    if (was === 'tunnel') return this.#dropConn();
    if (was === 'queued') this.dispatcher.remove(this);
    else this.#releaseSlot(false);
    this.#relay.recordStatus(routerCodes.H27.status);
    this.#log('H27');
  }

  /** Called by the sweep with the coarse clock. */
  checkTimeout(now: number): void {
    const o = this.engine.options;
    switch (this.#phase) {
      case 'queued':
        if (this.#waitKind === 'boot' && now - this.#phaseAt >= o.bootTimeoutMs) this.fail('H20');
        else if (this.#waitKind === 'busy' && now - this.#phaseAt >= o.responseTimeoutMs) this.fail('H12');
        return;
      case 'connecting':
        if (now - this.#phaseAt >= o.connectTimeoutMs) this.connectFailed(true);
        return;
      case 'waiting':
        if (now - this.#phaseAt >= o.responseTimeoutMs) this.fail('H12');
        return;
      case 'sending':
      case 'streaming':
      case 'tunnel':
        if (now - this.#lastActivity >= o.idleTimeoutMs) this.fail('H15');
        return;
      default:
        return;
    }
  }

  /** Gives the dyno slot back; the connection goes to the pool when `reusable`. */
  #releaseSlot(reusable: boolean): void {
    const b = this.#backend;
    const conn = this.#bconn;
    this.#bconn = null;
    this.#backend = null;
    if (conn !== null) {
      if (this.#pausedBackend) conn.socket.resume();
      // Stay a second under the dyno's own Keep-Alive timeout, so it never closes one we reuse.
      const hint = this.#relay.keepAliveMs;
      const keepAlive = hint < 0 ? this.engine.options.backendKeepAliveMs : Math.min(hint - 1000, this.engine.options.backendKeepAliveMs);
      this.engine.checkin(conn, reusable, keepAlive);
    }
    if (b !== null) {
      b.inFlight--;
      this.engine.backendFreed(b);
    }
  }

  #dropConn(): void {
    const conn = this.#bconn;
    this.#bconn = null;
    this.#backend = null;
    if (conn !== null) conn.discard();
  }

  #log(code: RouterCode | null): void {
    if (code === null && !this.engine.options.logInfo) return;
    const relay = this.#relay;
    this.engine.log(this.app, routerLogLine({
      code, method: this.req.method, path: this.req.target, host: this.req.hostKey, requestId: this.requestId, fwd: this.fwd,
      dyno: this.#dyno, connectMs: this.#connectMs, serviceMs: this.#sentAt > 0 ? Date.now() - this.#sentAt : -1,
      status: relay.status, bytes: relay.bytes, protocol: this.client.proto,
    }));
  }
}
