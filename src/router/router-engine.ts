import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { EgressGuard } from '../egress/egress-guard.js';
import { RouteTable, type AppRoute, type RouteDiff, type RouteSnapshot } from '../core/route-table.js';
import { routerCodes, type RouterCode } from '../core/router-codes.js';
import { AppDispatcher } from './app-dispatcher.js';
import { Backend, type BackendConn } from './backend-pool.js';
import { ClientConnection, type ConnectionEngine } from './client-connection.js';
import { CustomPages, type PageFetcher, pageFetcher } from './custom-pages.js';
import type { PageTarget } from './engine-context.js';
import { errorPage, noSuchAppPage, routerResponse } from './error-page.js';
import { Exchange } from './exchange.js';
import { plainHttpAnswer } from './plain-http.js';
import { routerLogLine } from './router-log-line.js';
import type { RequestHead } from './request-head.js';
import { routerOptions, sweepIntervalMs, type RouterOptions } from './router-options.js';

export interface RouterEngineDeps {
  table: RouteSnapshot;
  options?: Partial<RouterOptions>;
  /** Router log lines; `app` is null when no app was identified (bad requests, unknown hosts). */
  onLog(app: string | null, line: string): void;
  /** A request arrived for an idled app: the host agent should wake its web dynos. */
  onWake?(app: string): void;
  fetchPage?: PageFetcher;
}

export interface RouterStats {
  pid: number;
  requests: number;
  connections: number;
  backends: number;
  apps: number;
}

/** Heroku keeps a client's X-Request-Id when it is 20–200 of these characters. */
const REQUEST_ID = /^[A-Za-z0-9+=/-]{20,200}$/;

/**
 * New request ids: UUID-shaped, a random per-process prefix (74 random bits) and a 48-bit
 * counter: unique and cheaper than a random UUID per request (they correlate, they are not
 * secrets).
 */
class RequestIds {
  #prefix = randomUUID().slice(0, 24);
  #n = 0;

  next(): string {
    this.#n = this.#n === 0xffffffffffff ? 0 : this.#n + 1;
    if (this.#n === 0) this.#prefix = randomUUID().slice(0, 24);
    const hex = this.#n.toString(16);
    return `${this.#prefix}${'000000000000'.slice(hex.length)}${hex}`;
  }
}

/**
 * The routing mesh of one process (one per core under node:cluster): the route table and the
 * routing decision (lookup → AppDispatcher checkout) kept apart from the proxy engine
 * (ClientConnection + Exchange), plus one timeout sweep instead of a timer per request.
 */
export class RouterEngine implements ConnectionEngine {
  readonly options: RouterOptions;
  /** Where this router answers HTTPS (the target of force-https redirects); undefined: no HTTPS listener. */
  httpsPort: number | undefined;
  clock = Date.now();
  requests = 0;
  readonly #table: RouteTable;
  readonly #apps = new Map<string, AppDispatcher>();
  readonly #backends = new Map<string, Backend>();
  readonly #connections = new Set<ClientConnection>();
  readonly #pages: CustomPages;
  readonly #onLog: (app: string | null, line: string) => void;
  readonly #onWake: (app: string) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #ids = new RequestIds();
  /** Callers of drain() waiting for a dyno's requests in flight to finish. */
  readonly #drains = new Set<DrainWait>();

  constructor(deps: RouterEngineDeps) {
    this.options = routerOptions(deps.options);
    this.#onLog = deps.onLog;
    this.#onWake = deps.onWake ?? (() => undefined);
    this.#pages = new CustomPages(this.options, deps.fetchPage ?? pageFetcher(new EgressGuard(this.options.allowPrivateUrls)));
    this.#table = new RouteTable(deps.table);
    for (const app of this.#table.apps()) this.#sync(app.app);
    this.#timer = setInterval(this.#sweep, sweepIntervalMs(this.options));
    this.#timer.unref();
  }

  handleConnection(socket: Socket, proto: 'http' | 'https', port: number): void {
    this.#connections.add(new ClientConnection(socket, this, proto, port));
  }

  /** Applies a route table diff; in-flight requests keep their dyno connections. */
  update(diff: RouteDiff): void {
    const touched = this.#table.apply(diff);
    for (const name of touched) this.#sync(name);
  }

  /**
   * Resolves true once no request is in flight to the dyno at `host:port` and the route table no
   * longer has it (its idle pooled connections were closed when it left), or false after
   * `timeoutMs`. The host agent asks every worker this before a dyno gets SIGTERM.
   */
  drain(host: string, port: number, timeoutMs: number): Promise<boolean> {
    const wait: DrainWait = { host, port, done: () => undefined };
    if (this.#drained(wait)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => wait.done(false), timeoutMs);
      wait.done = (drained) => {
        clearTimeout(timer);
        this.#drains.delete(wait);
        resolve(drained);
      };
      this.#drains.add(wait);
    });
  }

  #drained(wait: DrainWait): boolean {
    for (const b of this.#backends.values()) {
      if (b.port === wait.port && b.host === wait.host && (!b.retired || b.inFlight > 0)) return false;
    }
    return true;
  }

  /** A retired dyno's last request finished, or a dyno left the route: wake drain() callers. */
  #checkDrains(b: Backend): void {
    for (const wait of this.#drains) {
      if (wait.port === b.port && wait.host === b.host && this.#drained(wait)) wait.done(true);
    }
  }

  snapshot(): RouteSnapshot {
    return this.#table.snapshot();
  }

  stats(): RouterStats {
    return { pid: process.pid, requests: this.requests, connections: this.#connections.size, backends: this.#backends.size, apps: this.#table.size };
  }

  // ---- lookup ---------------------------------------------------------------------------

  dispatch(conn: ClientConnection, req: RequestHead, hasBody: boolean): Exchange | null {
    const now = Date.now();
    this.clock = now;
    this.requests++;
    const route = this.#table.lookup(req.hostKey);
    const requestId = req.xRequestId !== null && REQUEST_ID.test(req.xRequestId) ? req.xRequestId : this.#ids.next();
    const fwd = req.xForwardedFor === null ? conn.remoteIp : `${req.xForwardedFor}, ${conn.remoteIp}`;
    const dispatcher = route === undefined ? undefined : this.#apps.get(route.app);
    if (dispatcher === undefined) {
      const close = hasBody || !req.keepAlive;
      const bytes = conn.respond(routerResponse(404, noSuchAppPage(), close, this.options.via), close);
      this.log(null, routerLogLine({
        code: null, method: req.method, path: req.target, host: req.hostKey, requestId, fwd, dyno: '', connectMs: -1, serviceMs: -1,
        status: 404, bytes, protocol: conn.proto,
      }));
      return null;
    }
    if (conn.proto === 'http') {
      const close = hasBody || !req.keepAlive;
      const own = plainHttpAnswer(dispatcher.route, req, this.httpsPort, this.options.via, close);
      if (own !== null) {
        const bytes = conn.respond(own.raw, close);
        this.log(dispatcher.route.app, routerLogLine({
          code: null, method: req.method, path: req.target, host: req.hostKey, requestId, fwd, dyno: '', connectMs: -1, serviceMs: -1,
          status: own.status, bytes, protocol: 'http',
        }));
        return null;
      }
    }
    const ex = new Exchange(this, conn, req, dispatcher, requestId, fwd, now, hasBody);
    conn.exchange = ex;
    dispatcher.admit(ex);
    return conn.exchange === ex ? ex : null;
  }

  // ---- EngineContext --------------------------------------------------------------------

  log(app: string | null, line: string): void {
    this.#onLog(app, line);
  }

  backendFreed(backend: Backend): void {
    if (backend.retired) {
      if (backend.inFlight === 0 && this.#drains.size > 0) this.#checkDrains(backend);
      return;
    }
    const d = this.#apps.get(backend.app);
    if (d !== undefined && d.waiters.length > 0) d.drain();
  }

  checkin(conn: BackendConn, reusable: boolean, keepAliveMs: number): void {
    conn.backend.checkin(conn, reusable && keepAliveMs > 0, this.clock, keepAliveMs);
  }

  sendCodePage(target: PageTarget, code: RouterCode, route: AppRoute | null, close: boolean, done: (status: number, bytes: number) => void): void {
    const status = routerCodes[code].status;
    const url = route === null ? undefined : code === 'H80' ? route.maintenancePageUrl : route.errorPageUrl;
    const write = (page: { body: Buffer; contentType: string } | null) => {
      if (!target.open) return done(status, 0);
      const raw = page === null
        ? routerResponse(status, errorPage(code), close, target.via)
        : routerResponse(status, page.body, close, target.via, page.contentType);
      done(status, target.respond(raw, close));
    };
    if (!url) return write(null);
    const page = this.#pages.get(url);
    if (page instanceof Promise) page.then(write, () => write(null));
    else write(page);
  }

  forget(conn: ClientConnection): void {
    this.#connections.delete(conn);
  }

  // ---- route table → dispatchers and pools ----------------------------------------------

  #sync(name: string): void {
    const route = this.#table.app(name);
    const d = this.#apps.get(name);
    const keep = new Set<string>();
    const ups: Backend[] = [];
    for (const rb of route?.backends ?? []) {
      if (rb.state !== 'up') continue;
      const key = `${name}\0${rb.dynoName}\0${rb.host}:${rb.port}`;
      let b = this.#backends.get(key);
      if (b === undefined || b.retired) {
        b = new Backend(key, name, rb.dynoName, rb.host, rb.port);
        this.#backends.set(key, b);
      }
      keep.add(key);
      ups.push(b);
    }
    for (const b of d?.ups ?? []) {
      if (!keep.has(b.key)) this.#retire(b);
    }
    if (route === undefined) {
      if (d !== undefined) {
        d.update({ ...d.route, backends: [], maintenance: false, crashed: false }, []);
        d.drain();
        this.#apps.delete(name);
      }
      return;
    }
    if (d === undefined) {
      const created = new AppDispatcher(route, this.options, () => this.clock, this.#onWake);
      created.update(route, ups);
      this.#apps.set(name, created);
    } else {
      d.update(route, ups);
      d.drain();
    }
    if (route.errorPageUrl) this.#pages.prefetch(route.errorPageUrl);
    if (route.maintenancePageUrl) this.#pages.prefetch(route.maintenancePageUrl);
  }

  /** A dyno left the route: its idle connections close now, those in use when their request ends. */
  #retire(b: Backend): void {
    b.retired = true;
    b.expireIdle(this.clock, true);
    if (b.open === 0 && b.inFlight === 0) this.#backends.delete(b.key);
    if (this.#drains.size > 0) this.#checkDrains(b);
  }

  #sweep = (): void => {
    const now = Date.now();
    this.clock = now;
    for (const conn of this.#connections) conn.checkTimeouts(now);
    for (const b of this.#backends.values()) {
      b.expireIdle(now);
      if (b.retired && b.open === 0 && b.inFlight === 0) this.#backends.delete(b.key);
    }
  };

  /** Stops the sweep; with `graceMs`, waits for in-flight requests first; then closes everything. */
  async close(graceMs = 0): Promise<void> {
    const deadline = Date.now() + graceMs;
    for (const conn of this.#connections) if (conn.exchange === null) conn.destroy();
    while (Date.now() < deadline && [...this.#connections].some((c) => c.exchange !== null)) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.#timer);
    for (const conn of this.#connections) conn.destroy();
    for (const b of this.#backends.values()) this.#retire(b);
    for (const wait of this.#drains) wait.done(false);
  }
}

interface DrainWait {
  host: string;
  port: number;
  done(drained: boolean): void;
}
