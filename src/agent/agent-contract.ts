import type { AddonServerStatus } from '../addons/addon-servers.js';
import type { PostgresEndpoint } from '../addons/postgres-server.js';
import type { RedisEndpoint, RedisLimits } from '../addons/redis-instances.js';
import type { DrainView } from '../core/drain-view.js';
import type { AppMetricRows } from '../core/app-metrics.js';
import type { DynoEvent, DynoLaunch, DynoRecord } from '../core/dyno-host.js';
import type { RouteSnapshot } from '../core/route-table.js';
import type { IssuedSession, LogEntry, LogSessionRequest } from '../logplex/index.js';
import type { CertificateEntry } from './certificate-book.js';
import type { AppRouteConfig } from './route-state.js';

/**
 * The host agent's RPC contract, written once: every method with its request and response, and
 * every event the agent pushes. host-agent.ts serves exactly `RpcHandlers<AgentContract>` and
 * agent-client.ts calls through `RpcClient<AgentContract>`, so a renamed method or a changed
 * shape fails to compile on both sides at once (flynn's host/types plays this part).
 *
 * Nothing here knows the transport: json-rpc.ts carries it as JSON lines over a unix socket
 * today; a TCP + TLS transport between hosts would carry the same contract. Everything must
 * therefore survive JSON (no Dates, Maps or undefined-vs-missing distinctions), and a `void`
 * response travels as `null`.
 *
 * Compatibility: the agent outlives upgrades of the control plane, so a newer control plane may
 * talk to an older agent. Add methods rather than change them; callers of a method an older
 * agent lacks expect an RpcError with code `unknown_method` (see RouteSync's `certs.*` calls).
 */
export type AgentContract = {
  methods: AgentMethods;
  events: AgentEvents;
};

/** Facts about the agent the control plane checks on connect (a new `up` adopts or replaces it). */
export interface AgentInfo {
  pid: number;
  domain: string;
  /** Instance prefix of cgroup, bridge and netns names. */
  prefix: string;
  routerPorts: { http: number; https?: number };
  /** Ranges tenant URLs may reach although private (`--allow-private-urls`); absent from older agents. */
  allowPrivateUrls?: string[];
  /** The stack image cache dynos run from; null: host-root mode (absent from older agents). */
  stackCache?: string | null;
  rendezvousPort: number;
  startedAt: string;
}

/** A line the control plane writes into an app's log channel (`app[api]`, `heroku[scheduler]`…). */
export interface ForwardedLogLine {
  source: 'app' | 'heroku';
  process: string;
  message: string;
}

/** An empty request. */
type None = Record<string, never>;

export type AgentMethods = {
  hello: { request: None; response: AgentInfo & { dynos: DynoRecord[] } };

  // Dynos (the DynoHost port, src/core/dyno-host.ts).
  'dyno.list': { request: None; response: DynoRecord[] };
  /** With `attach`, the record carries the rendezvous attach URL and the dyno waits for its client. */
  'dyno.start': { request: DynoLaunch; response: DynoRecord };
  /**
   * A web dyno that served drains first (out of the route, every router worker confirms, requests
   * in flight finish; at most `graceMs`), then SIGTERM, `graceMs` (default 30 s), SIGKILL;
   * answers once the dyno has exited.
   */
  'dyno.stop': { request: { id: string; graceMs?: number }; response: void };
  'dyno.forget': { request: { id: string }; response: void };

  // Routing.
  /** Replaces every app's routing config (on connect). */
  'routes.set': { request: { apps: AppRouteConfig[] }; response: void };
  'routes.upsert': { request: AppRouteConfig; response: void };
  /** Forgets the app: its certificates (once every router worker dropped them), route, log channel and drains. */
  'routes.remove': { request: { appId: string }; response: void };
  'routes.snapshot': { request: None; response: RouteSnapshot };
  /**
   * Replaces the app's uploaded certificates (SNI endpoints with their domains); [] forgets them.
   * Answers once every router worker forgot what it cached for the names that changed. Never logged.
   */
  'certs.set': { request: { appId: string; certs: CertificateEntry[] }; response: { hostnames: number } };
  /** Replaces every app's uploaded certificates (on connect). */
  'certs.reset': { request: { apps: Array<{ appId: string; certs: CertificateEntry[] }> }; response: { hostnames: number } };

  // Logplex.
  'log.append': { request: { appId: string; lines: ForwardedLogLine[] }; response: void };
  'log.history': { request: { appId: string; limit?: number }; response: LogEntry[] };
  /** A tail session whose `path` the API's server streams from the agent's log socket. */
  'log.session': { request: { appId: string; request: LogSessionRequest }; response: IssuedSession };
  /** `url` is checked by the agent (syslog://, syslog+tls://, https://), so any value may travel. */
  'drains.add': { request: { appId: string; url: unknown }; response: DrainView };
  'drains.list': { request: { appId: string }; response: DrainView[] };
  /** `key` is the drain's id, url or token. */
  'drains.remove': { request: { appId: string; key: string }; response: DrainView };

  // Metrics (src/core/metrics-book.ts): the agent's per-minute rings of router requests, dyno samples and events.
  /** Rows with from ≤ minute ≤ to (unix seconds) of one app, or of every app that has some; the current minute is partial. */
  'metrics.minutes': { request: { appId?: string; from: number; to: number }; response: Array<{ appId: string } & AppMetricRows> };

  // Add-on data servers (src/addons/addon-servers.ts): run and supervised by the agent like dynos.
  /** Berth's PostgreSQL server, initialised and started on first use. */
  'addons.postgres.ensure': { request: None; response: PostgresEndpoint };
  /** Starts a Redis server for the add-on `id` (returns the running one when it exists). */
  'addons.redis.create': { request: { id: string; limits: RedisLimits }; response: RedisEndpoint };
  /** CONFIG SET of maxmemory, policy, maxclients; kept for restarts. */
  'addons.redis.configure': { request: { id: string; limits: Partial<RedisLimits> }; response: RedisLimits };
  /** Stops the add-on's Redis server and deletes its data; unknown ids are already gone. */
  'addons.redis.destroy': { request: { id: string }; response: void };
  /** The server's INFO fields (as Berth's admin user). */
  'addons.redis.info': { request: { id: string }; response: Record<string, string> };
  'addons.status': { request: None; response: AddonServerStatus[] };

  /** Answers, then stops the router and the agent (and every dyno with `killDynos`). */
  shutdown: { request: { killDynos: boolean }; response: { ok: true } };
};

export type AgentEvents = {
  /** A dyno changed state; pushed to every connected control plane. */
  'dyno.state': { dyno: DynoRecord; previous: DynoEvent['previous'] };
};
