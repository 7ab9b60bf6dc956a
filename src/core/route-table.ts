/**
 * The route table: which app answers a Host, and where that app's web dynos listen. Pure data
 * plus lookups; the dyno manager builds snapshots, the router applies diffs (whole-app upserts
 * and removals, so an update only carries the apps that changed).
 */

/** `up`: accepting requests. `starting`: booting, requests wait for it (H20 after the boot timeout). */
export type BackendState = 'up' | 'starting';

export interface RouteBackend {
  dynoName: string;
  host: string;
  port: number;
  state: BackendState;
}

export interface AppRoute {
  app: string;
  /** Custom domains: exact (`www.example.com`) or wildcard (`*.example.com`), lower case. */
  domains: string[];
  maintenance: boolean;
  /** No web dyno is up because they crashed (H10); the dyno manager clears it when one is up. */
  crashed: boolean;
  backends: RouteBackend[];
  /**
   * Every web dyno of the app is idled (eco size or `ps:autoidle`): a request wakes them and waits
   * for one to come up, like a request for a starting dyno (H20 on timeout).
   */
  idle?: boolean;
  /** How many wakes failed so far: a new count fails the requests that waited for that wake (H20). */
  wakeFailures?: number;
  /** The app's ERROR_PAGE_URL / MAINTENANCE_PAGE_URL config vars. */
  errorPageUrl?: string | undefined;
  maintenancePageUrl?: string | undefined;
  /** Plain-HTTP requests are redirected to HTTPS (the app's `force-https` feature). */
  forceHttps?: boolean;
  /** HTTPS responses carry Strict-Transport-Security (the app's `hsts` feature). */
  hsts?: boolean;
  /**
   * Pending ACME HTTP-01 challenges of the app's hostnames: token → key authorization, answered
   * on plain HTTP at `/.well-known/acme-challenge/TOKEN` before anything else (force-https too).
   */
  acmeChallenges?: Record<string, string>;
}

export interface RouteSnapshot {
  /** Apps answer at `<app>.<domain>`. */
  domain: string;
  apps: AppRoute[];
}

/** What changed: apps to add or replace whole, app names to drop, optionally a new domain. */
export interface RouteDiff {
  domain?: string;
  upsert?: AppRoute[];
  remove?: string[];
}

export type RouteDecision =
  | { kind: 'route' }
  | { kind: 'wait' }
  /** Idled: ask the host agent to wake the app's web dynos, then wait like `wait`. */
  | { kind: 'wake' }
  | { kind: 'error'; code: 'H10' | 'H14' | 'H80' };

/**
 * What the router does with a request for `app`: maintenance wins (H80, dynos untouched); any
 * up dyno takes it; otherwise crashed → H10, starting dynos → wait for one (H20 on timeout),
 * idled dynos → wake them and wait, nothing → H14.
 */
export function routeDecision(app: AppRoute): RouteDecision {
  if (app.maintenance) return { kind: 'error', code: 'H80' };
  let starting = false;
  for (const b of app.backends) {
    if (b.state === 'up') return { kind: 'route' };
    starting = true;
  }
  if (app.crashed) return { kind: 'error', code: 'H10' };
  if (starting) return { kind: 'wait' };
  return app.idle === true ? { kind: 'wake' } : { kind: 'error', code: 'H14' };
}

const HOST_LABELS = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;
const IP_LITERAL = /^\[[0-9a-f:.]+\]$/;

/**
 * A Host header value as a routing key: lower case, port and trailing dot dropped. Undefined
 * when it is not a valid host (RFC 3986 reg-name of DNS labels, IPv4, or an `[IPv6]` literal).
 */
export function normalizeHost(value: string): string | undefined {
  if (value.length === 0 || value.length > 260) return undefined;
  let host = value.toLowerCase();
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > close) {
    const port = host.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port)) return undefined;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > 253) return undefined;
  return HOST_LABELS.test(host) || IP_LITERAL.test(host) ? host : undefined;
}

function sameApp(a: AppRoute, b: AppRoute): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The diff that turns `prev` into `next` (only changed apps; order of keys matters for equality). */
export function diffRouteSnapshots(prev: RouteSnapshot, next: RouteSnapshot): RouteDiff {
  const before = new Map(prev.apps.map((a) => [a.app, a]));
  const after = new Set(next.apps.map((a) => a.app));
  const diff: RouteDiff = {};
  if (prev.domain !== next.domain) diff.domain = next.domain;
  const upsert = next.apps.filter((a) => {
    const old = before.get(a.app);
    return old === undefined || !sameApp(old, a);
  });
  const remove = prev.apps.filter((a) => !after.has(a.app)).map((a) => a.app);
  if (upsert.length > 0) diff.upsert = upsert;
  if (remove.length > 0) diff.remove = remove;
  return diff;
}

export function isEmptyDiff(diff: RouteDiff): boolean {
  return diff.domain === undefined && !diff.upsert?.length && !diff.remove?.length;
}

export class RouteTable {
  #domain: string;
  #suffix: string;
  readonly #apps = new Map<string, AppRoute>();
  readonly #exact = new Map<string, string>();
  readonly #wildcard = new Map<string, string>();

  constructor(snapshot: RouteSnapshot) {
    this.#domain = snapshot.domain.toLowerCase();
    this.#suffix = `.${this.#domain}`;
    for (const app of snapshot.apps) this.#put(app);
  }

  get domain(): string {
    return this.#domain;
  }

  get size(): number {
    return this.#apps.size;
  }

  app(name: string): AppRoute | undefined {
    return this.#apps.get(name);
  }

  apps(): IterableIterator<AppRoute> {
    return this.#apps.values();
  }

  /** Applies a diff; returns the names of the apps it touched (upserted or removed). */
  apply(diff: RouteDiff): string[] {
    if (diff.domain !== undefined) {
      this.#domain = diff.domain.toLowerCase();
      this.#suffix = `.${this.#domain}`;
    }
    const touched: string[] = [];
    for (const name of diff.remove ?? []) {
      if (this.#drop(name)) touched.push(name);
    }
    for (const app of diff.upsert ?? []) {
      this.#drop(app.app);
      this.#put(app);
      touched.push(app.app);
    }
    return touched;
  }

  /** The app answering a normalized host (see normalizeHost): custom exact, default, wildcard. */
  lookup(host: string): AppRoute | undefined {
    const exact = this.#exact.get(host);
    if (exact !== undefined) return this.#apps.get(exact);
    if (host.endsWith(this.#suffix)) {
      const name = host.slice(0, host.length - this.#suffix.length);
      if (name.indexOf('.') === -1) {
        const app = this.#apps.get(name);
        if (app) return app;
      }
    }
    if (this.#wildcard.size === 0) return undefined;
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const owner = this.#wildcard.get(host.slice(dot + 1));
      if (owner !== undefined) return this.#apps.get(owner);
    }
    return undefined;
  }

  snapshot(): RouteSnapshot {
    return { domain: this.#domain, apps: [...this.#apps.values()] };
  }

  #put(app: AppRoute): void {
    this.#apps.set(app.app, app);
    for (const raw of app.domains) {
      const domain = raw.toLowerCase().replace(/\.$/, '');
      if (domain.startsWith('*.')) this.#wildcard.set(domain.slice(2), app.app);
      else this.#exact.set(domain, app.app);
    }
  }

  #drop(name: string): boolean {
    const old = this.#apps.get(name);
    if (!old) return false;
    this.#apps.delete(name);
    for (const raw of old.domains) {
      const domain = raw.toLowerCase().replace(/\.$/, '');
      const map = domain.startsWith('*.') ? this.#wildcard : this.#exact;
      const key = domain.startsWith('*.') ? domain.slice(2) : domain;
      if (map.get(key) === name) map.delete(key);
    }
    return true;
  }
}
