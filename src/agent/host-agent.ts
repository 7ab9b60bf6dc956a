import type { AddonServers } from '../addons/addon-servers.js';
import { parseFullLimits, parseLimits } from '../addons/redis-instances.js';
import type { DynoLaunch, DynoRecord } from '../core/dyno-host.js';
import { readRouterLine } from '../core/app-metrics.js';
import { MetricsBook, type MetricsCaps } from '../core/metrics-book.js';
import type { RouteDiff } from '../core/route-table.js';
import type { Timers } from '../core/timers.js';
import type { DrainManager } from '../logplex/drain-manager.js';
import type { LogChannels } from '../logplex/log-channels.js';
import type { LogSessionRequest, LogSessions } from '../logplex/log-sessions.js';
import type { DynoSpec, RunningDyno } from '../runtime/types.js';
import { randomBytes } from 'node:crypto';
import type { AgentContract, AgentInfo, ForwardedLogLine } from './agent-contract.js';
import { RpcError, serveRpc, type RpcHandlers, type RpcServer } from './json-rpc.js';
import type { Rendezvous } from './rendezvous.js';
import { DynoSupervisor, systemTimers } from './dyno-supervisor.js';
import { IdleWatch } from './idle-watch.js';
import { RouteState, type AppRouteConfig } from './route-state.js';
import { CertificateBook, type CertificateEntry } from './certificate-book.js';

export interface HostAgentDeps {
  domain: string;
  /** The add-on data servers this agent runs (absent: `addons.*` calls fail with `unavailable`). */
  addons?: AddonServers;
  runtime: { start(spec: DynoSpec): Promise<RunningDyno> };
  channels: LogChannels;
  sessions: LogSessions;
  drains: DrainManager;
  /** Pushes a route diff to the router workers. */
  pushRoutes(diff: RouteDiff): void | Promise<void>;
  /**
   * Resolves once every router worker applied the diffs pushed so far and has no request in
   * flight to `address` (see RouterCluster.drain); a stopping web dyno gets SIGTERM after that.
   */
  drainRoute?(address: { host: string; port: number }, timeoutMs: number): Promise<boolean>;
  now(): number;
  /** Called by the `shutdown` RPC after it answered. */
  onShutdown(options: { killDynos: boolean }): void;
  /** Attached one-off dynos meet their clients here; `publicHost:port` goes into attach_url. */
  rendezvous?: { server: Rendezvous; publicHost: string; port: number; attachTimeoutMs?: number };
  /** Facts about the agent the control plane checks on connect. */
  info: AgentInfo;
  /** Uploaded certificates by TLS server name; the router's resolveCertificate reads it. */
  certificates?: CertificateBook;
  /** Makes the router workers forget a cached certificate (every one when servername is undefined); resolves once they have. */
  invalidateCertificate?(servername?: string): Promise<void>;
  /** R14 and runtime-metrics interval per dyno (default 20 s; shorter only in tests). */
  metricsEveryMs?: number;
  /** Caps of the app metrics kept in memory (default DEFAULT_METRICS_CAPS). */
  metricsCaps?: Partial<MetricsCaps>;
  /** The supervisor's sampling timers (default the system's; a fake clock's in tests). */
  timers?: Timers;
  /** SIGTERM grace of a dyno being idled (default 30 s). */
  idleGraceMs?: number;
}

const str = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '') throw new RpcError(`${name} is required`, 'bad_request');
  return value;
};

/** Runs fn; a TypeError (bad params) becomes a bad_request RpcError. */
function badRequest<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TypeError) throw new RpcError(err.message, 'bad_request');
    throw err;
  }
}

/**
 * The host agent: dynos (supervisor), the route table (router workers) and logplex (channels,
 * sessions, drains) behind the agent contract (agent-contract.ts), served over a unix socket. It outlives the control plane: killing the
 * control plane leaves dynos, routing and logs running; a new control plane reconnects.
 */
export class HostAgent {
  readonly supervisor: DynoSupervisor;
  readonly routes: RouteState;
  readonly certificates: CertificateBook;
  /** The apps' metrics by minute: router lines, dyno samples and events, in bounded rings. */
  readonly metrics: MetricsBook;
  readonly idleWatch: IdleWatch;
  private server?: RpcServer<AgentContract>;

  constructor(private readonly deps: HostAgentDeps) {
    this.routes = new RouteState(deps.domain, (diff) => deps.pushRoutes(diff));
    this.certificates = deps.certificates ?? new CertificateBook();
    const metrics = (this.metrics = new MetricsBook(deps.metricsCaps));
    const timers = deps.timers ?? systemTimers;
    this.idleWatch = new IdleWatch({ now: deps.now, timers, idle: (appId) => void this.idleApp(appId) });
    this.supervisor = new DynoSupervisor({
      runtime: deps.runtime,
      now: deps.now,
      timers,
      onWakeFailed: (record) => this.routes.wakeFailed(record.appId),
      logs: {
        append: (appId, input) => {
          if (input.source === 'heroku') metrics.platformLine(appId, deps.now(), input.message);
          deps.channels.append(appId, input);
        },
        ingest: (appId, source, process, stream) => deps.channels.ingest(appId, source, process, stream as never),
      },
      onChange: (record, previous, dyno) => this.changed(record, previous, dyno),
      drain: async (_record, address, timeoutMs) => deps.drainRoute?.(address, timeoutMs),
      onSample: (record, sample) => {
        if (record.oneOff) return;
        const MB = 1024 * 1024;
        metrics.dynoSample(record.appId, deps.now(), { name: record.name, type: record.type }, {
          rssMb: sample.rssBytes / MB,
          swapMb: sample.swapBytes / MB,
          quotaMb: sample.quotaBytes / MB,
          load: sample.load1m,
        });
      },
      ...(deps.metricsEveryMs !== undefined ? { metricsEveryMs: deps.metricsEveryMs } : {}),
    });
  }

  /** A router log line for an app known by name (one per request: it also counts as the app's activity). */
  routerLog(appName: string | null, line: string): void {
    const appId = appName ? this.routes.appIdOf(appName) : undefined;
    if (!appId) return;
    const request = readRouterLine(line);
    if (request) this.metrics.request(appId, this.deps.now(), request);
    this.idleWatch.activity(appId);
    this.deps.channels.append(appId, { source: 'heroku', process: 'router', message: line });
  }

  /** A router worker holds a request for an idled app: start its idle web dynos again. */
  wake(appName: string): number {
    const appId = this.routes.appIdOf(appName);
    if (!appId) return 0;
    this.idleWatch.activity(appId);
    let woken = 0;
    for (const record of this.supervisor.list()) {
      if (record.appId === appId && record.state === 'idle' && this.supervisor.unidle(record.id)) woken++;
    }
    return woken;
  }

  /** The app was quiet for its idle period: idle its web dynos, unless one is still booting. */
  async idleApp(appId: string): Promise<void> {
    const web = this.supervisor.list().filter((d) => d.appId === appId && d.type === 'web' && !d.oneOff);
    if (web.some((d) => d.state === 'starting' || d.state === 'stopping')) return;
    const grace = this.deps.idleGraceMs ?? 30_000;
    await Promise.all(web.filter((d) => d.state === 'up').map((d) => this.supervisor.idle(d.id, grace)));
  }

  /** One app's routing config from the control plane, its idle period included. */
  upsertRoute(config: AppRouteConfig): void {
    this.routes.upsertApp(config);
    this.configureIdle(config);
  }

  /** The control plane's idle period of each app; turning it off wakes an idled app. */
  private configureIdle(config: AppRouteConfig): void {
    this.idleWatch.configure(config.appId, config.idleAfterMs);
    if (!this.idleWatch.watches(config.appId)) this.wake(config.name);
  }

  async listen(socketPath: string): Promise<void> {
    this.server = await serveRpc<AgentContract>(socketPath, this.handlers());
  }

  /** The agent contract's server side; `params` come off the wire and are checked before use. */
  handlers(): RpcHandlers<AgentContract> {
    const { supervisor, routes, deps } = this;
    return {
      hello: () => ({ ...deps.info, dynos: supervisor.list() }),
      'dyno.list': () => supervisor.list(),
      // Trusted shape: the control plane resolved the launch from its own store.
      'dyno.start': (p) => {
        const launch = p as DynoLaunch;
        return launch.attach ? this.startAttached(launch) : supervisor.start(launch);
      },
      'dyno.stop': async (p) => {
        await supervisor.stop(str(p.id, 'id'), typeof p.graceMs === 'number' ? p.graceMs : 30_000);
      },
      'dyno.forget': (p) => supervisor.forget(str(p.id, 'id')),
      // Trusted shape: route configs are built by the control plane's RouteSync.
      'routes.set': (p) => {
        const apps = (p.apps as AppRouteConfig[] | undefined) ?? [];
        routes.setApps(apps);
        this.idleWatch.retain(new Set(apps.map((a) => a.appId)));
        for (const config of apps) this.configureIdle(config);
      },
      'routes.upsert': (p) => this.upsertRoute(p as AppRouteConfig),
      'routes.remove': async (p) => {
        const appId = str(p.appId, 'appId');
        await this.certificatesChanged(this.certificates.remove(appId));
        routes.removeApp(appId);
        this.metrics.forget(appId);
        this.idleWatch.configure(appId, undefined);
        await deps.drains.removeChannel(appId);
        await deps.channels.remove(appId);
      },
      'routes.snapshot': () => routes.current(),
      // Certificates of SNI endpoints: the pairs travel over the private socket and are never logged.
      'certs.set': (p) => {
        const appId = str(p.appId, 'appId');
        return this.certificatesChanged(badRequest(() => this.certificates.set(appId, p.certs as CertificateEntry[]))).then((hostnames) => ({ hostnames }));
      },
      'certs.reset': (p) => {
        if (!Array.isArray(p.apps)) throw new RpcError('apps must be an array of {appId, certs}', 'bad_request');
        const apps = p.apps.map((a: { appId?: unknown; certs?: unknown } | null) => ({ appId: str(a?.appId, 'appId'), certs: a?.certs as CertificateEntry[] }));
        return this.certificatesChanged(badRequest(() => this.certificates.reset(apps))).then((hostnames) => ({ hostnames }));
      },
      'log.append': (p) => {
        const appId = str(p.appId, 'appId');
        for (const line of (p.lines as ForwardedLogLine[] | undefined) ?? []) deps.channels.append(appId, line);
      },
      'log.history': (p) => deps.channels.history(str(p.appId, 'appId'), { limit: typeof p.limit === 'number' ? p.limit : 1500 }),
      'log.session': (p) => deps.sessions.issue(str(p.appId, 'appId'), (p.request as LogSessionRequest | undefined) ?? {}),
      'drains.add': (p) => deps.drains.add(str(p.appId, 'appId'), p.url),
      'drains.list': (p) => deps.drains.list(str(p.appId, 'appId')),
      'drains.remove': (p) => deps.drains.remove(str(p.appId, 'appId'), str(p.key, 'key')),
      'metrics.minutes': (p) => {
        if (typeof p.from !== 'number' || typeof p.to !== 'number') throw new RpcError('from and to are required (unix seconds)', 'bad_request');
        return this.metrics.rows(p.from, p.to, typeof p.appId === 'string' ? p.appId : undefined);
      },
      'addons.postgres.ensure': () => this.addons().ensurePostgres(),
      'addons.redis.create': (p) => this.addons().create(str(p.id, 'id'), badRequest(() => parseFullLimits(p.limits))),
      'addons.redis.configure': (p) => this.addons().configure(str(p.id, 'id'), badRequest(() => parseLimits(p.limits))),
      'addons.redis.destroy': (p) => this.addons().destroy(str(p.id, 'id')),
      'addons.redis.info': (p) => this.addons().info(str(p.id, 'id')),
      'addons.status': () => this.deps.addons?.status() ?? [],
      shutdown: (p) => {
        setImmediate(() => deps.onShutdown({ killDynos: p.killDynos === true }));
        return { ok: true };
      },
    };
  }

  private addons(): AddonServers {
    if (!this.deps.addons) throw new RpcError('this host agent runs no add-on servers', 'unavailable');
    return this.deps.addons;
  }

  /**
   * Router workers drop cached certificates of the names touched (all of them for a wildcard);
   * resolves with how many names changed once every worker has.
   */
  private async certificatesChanged(hostnames: string[]): Promise<number> {
    const invalidate = this.deps.invalidateCertificate;
    if (invalidate && hostnames.length > 0) {
      if (hostnames.some((h) => h.startsWith('*.'))) await invalidate();
      else await Promise.all(hostnames.map((hostname) => invalidate(hostname)));
    }
    return hostnames.length;
  }

  private startAttached(launch: DynoLaunch): DynoRecord {
    const rendezvous = this.deps.rendezvous;
    if (!rendezvous) throw new RpcError('this agent has no rendezvous listener for attached dynos', 'failed');
    const secret = randomBytes(24).toString('hex');
    const record = this.supervisor.prepareAttached(launch, `rendezvous://${rendezvous.publicHost}:${rendezvous.port}/${secret}`);
    rendezvous.server.expect(
      secret,
      rendezvous.attachTimeoutMs ?? 60_000,
      (socket) => void this.supervisor.attach(launch.id, socket),
      () => this.supervisor.abandon(launch.id),
    );
    return record;
  }

  async close(): Promise<void> {
    this.idleWatch.close();
    await this.server?.close();
  }

  private changed(record: DynoRecord, previous: DynoRecord['state'] | 'down', dyno?: RunningDyno): void {
    if (!record.oneOff && record.state === 'starting' && previous === 'down') this.metrics.dynoStarted(record.appId, this.deps.now(), record.name);
    if (record.state === 'crashed' && previous !== 'crashed') this.metrics.dynoCrashed(record.appId, this.deps.now());
    if (record.state === 'up' && record.type === 'web') this.idleWatch.activity(record.appId);
    this.routes.dynoChanged(record, dyno?.address ?? this.supervisor.running(record.id)?.address);
    this.server?.broadcast('dyno.state', { dyno: record, previous });
  }
}
