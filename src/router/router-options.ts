/** Every limit and timeout of the router (Heroku's values by default; tests shorten them). */
export interface RouterOptions {
  /** H19: connecting to a dyno. */
  connectTimeoutMs: number;
  /** H12: from the whole request sent to the first response byte. */
  responseTimeoutMs: number;
  /** H15: rolling window without a byte either way once the response streams (and WebSockets). */
  idleTimeoutMs: number;
  /** H20: how long a request waits for a starting dyno. */
  bootTimeoutMs: number;
  /** H28: a client must send a complete request head within this (slowloris defence). */
  headerTimeoutMs: number;
  /** An idle keep-alive client connection is closed after this. */
  clientKeepAliveMs: number;
  /** Idle pooled dyno connections are closed after this (or the dyno's Keep-Alive timeout − 1 s,
   * if shorter). Under the 2 s of gunicorn's default and the 5 s of Node's, so a dyno never closes
   * a connection just as the router reuses it. */
  backendKeepAliveMs: number;
  /** A dyno that refused or timed out a connect is skipped by this worker for this long. */
  quarantineMs: number;
  /** Requests in flight per dyno per router worker (= pool size per dyno); Heroku: 50. */
  maxInFlightPerDyno: number;
  /**
   * H11 when more requests than this × the app's up dynos wait for a free slot in one worker.
   * Heroku's router says 50; workers share no counters and the kernel may hand one worker most
   * of a burst of connections, so the default is roomier (waiting is bounded by H12 anyway).
   */
  backlogPerDyno: number;
  /** Dynos tried for one request when connecting fails. */
  maxConnectAttempts: number;
  maxRequestLineBytes: number;
  maxHeaderLineBytes: number;
  maxHeaderBytes: number;
  maxHeaders: number;
  maxResponseHeaderBytes: number;
  /** Request body bytes held while the dyno connection opens, before reading from the client pauses. */
  maxBufferedBodyBytes: number;
  /** After an error answer, unread client bytes are drained for at most this long before closing. */
  lingerMs: number;
  /** Custom error pages (ERROR_PAGE_URL / MAINTENANCE_PAGE_URL): fetch timeout, size cap, cache TTL. */
  errorPageFetchTimeoutMs: number;
  errorPageMaxBytes: number;
  errorPageTtlMs: number;
  /** Adds Connect-Time and Total-Route-Time request headers (as Heroku does; off by default: two
   * more headers every dyno parses on every request, for a number few apps read). */
  timingHeaders: boolean;
  /** Logs `at=info` lines for answered requests (errors are always logged). Heroku always does. */
  logInfo: boolean;
  /** The Via token added both ways. */
  via: string;
  /**
   * Berth's app domain: a dyno's `Set-Cookie` whose Domain attribute names it or a parent of it
   * loses that attribute (becoming a host-only cookie), so one app cannot set cookies for every
   * other app (herokuapp.com is on the Public Suffix List for the same reason). '' keeps all.
   */
  cookieDomain: string;
  /**
   * CIDR ranges custom pages may be fetched from although they are private (`bin/berth up
   * --allow-private-urls`); everything else private, loopback or the host's own is refused.
   */
  allowPrivateUrls: readonly string[];
}

export const defaultRouterOptions: RouterOptions = {
  connectTimeoutMs: 5_000,
  responseTimeoutMs: 30_000,
  idleTimeoutMs: 55_000,
  bootTimeoutMs: 75_000,
  headerTimeoutMs: 10_000,
  clientKeepAliveMs: 90_000,
  backendKeepAliveMs: 1_500,
  quarantineMs: 5_000,
  maxInFlightPerDyno: 50,
  backlogPerDyno: 200,
  maxConnectAttempts: 3,
  maxRequestLineBytes: 8192,
  maxHeaderLineBytes: 8192,
  maxHeaderBytes: 32 * 1024,
  maxHeaders: 1000,
  maxResponseHeaderBytes: 512 * 1024,
  maxBufferedBodyBytes: 64 * 1024,
  lingerMs: 2_000,
  errorPageFetchTimeoutMs: 2_000,
  errorPageMaxBytes: 256 * 1024,
  errorPageTtlMs: 60_000,
  timingHeaders: false,
  logInfo: true,
  via: '1.1 berth',
  cookieDomain: '',
  allowPrivateUrls: [],
};

export function routerOptions(overrides: Partial<RouterOptions> = {}): RouterOptions {
  const o = { ...defaultRouterOptions, ...overrides };
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) throw new TypeError(`router option ${k} must be a number ≥ 0, got ${v}`);
  }
  return o;
}

/** How often timeouts are checked: a tenth of the shortest timeout, between 5 ms and 500 ms. */
export function sweepIntervalMs(o: RouterOptions): number {
  const shortest = Math.min(o.connectTimeoutMs, o.responseTimeoutMs, o.idleTimeoutMs, o.bootTimeoutMs, o.headerTimeoutMs, o.clientKeepAliveMs, o.backendKeepAliveMs);
  return Math.max(5, Math.min(500, Math.floor(shortest / 10)));
}
