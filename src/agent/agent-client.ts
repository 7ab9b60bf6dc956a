import type { AddonServerStatus } from '../addons/addon-servers.js';
import type { PostgresEndpoint } from '../addons/postgres-server.js';
import type { RedisEndpoint, RedisLimits } from '../addons/redis-instances.js';
import type { DrainView } from '../core/drain-view.js';
import type { AppMetricRows } from '../core/app-metrics.js';
import type { DynoEvent, DynoHost, DynoLaunch, DynoRecord } from '../core/dyno-host.js';
import type { AgentContract, AgentInfo, ForwardedLogLine } from './agent-contract.js';
import type { CertificateEntry } from './certificate-book.js';
import type { RpcClient } from './json-rpc.js';
import type { AppRouteConfig } from './route-state.js';

/**
 * The control plane's side of one connection to the host agent: the DynoHost port plus routes,
 * certificates and logplex, each method one call of the agent contract (agent-contract.ts) over
 * whatever transport `rpc` is. Reconnecting is AgentConnection's job, not this class's.
 */
export class AgentClient implements DynoHost {
  constructor(private readonly rpc: RpcClient<AgentContract>) {}

  get closed(): Promise<void> {
    return this.rpc.closed;
  }

  close(): void {
    this.rpc.close();
  }

  hello(): Promise<AgentInfo & { dynos: DynoRecord[] }> {
    return this.rpc.call('hello', {});
  }

  list(): Promise<DynoRecord[]> {
    return this.rpc.call('dyno.list', {});
  }

  start(launch: DynoLaunch): Promise<DynoRecord> {
    return this.rpc.call('dyno.start', launch, 120_000);
  }

  stop(dynoId: string, graceMs: number): Promise<void> {
    // Draining (≤ grace) + SIGTERM → grace → SIGKILL, and a margin.
    return this.rpc.call('dyno.stop', { id: dynoId, graceMs }, 2 * graceMs + 60_000);
  }

  forget(dynoId: string): Promise<void> {
    return this.rpc.call('dyno.forget', { id: dynoId });
  }

  onEvent(listener: (event: DynoEvent) => void): () => void {
    return this.rpc.on('dyno.state', (data) => listener({ kind: 'state', dyno: data.dyno, previous: data.previous }));
  }

  /** The agent's metric rows in [from, to] (unix seconds), of one app or of all. */
  metricsMinutes(request: { appId?: string; from: number; to: number }): Promise<Array<{ appId: string } & AppMetricRows>> {
    return this.rpc.call('metrics.minutes', request);
  }

  setRoutes(apps: AppRouteConfig[]): Promise<void> {
    return this.rpc.call('routes.set', { apps });
  }

  upsertRoute(app: AppRouteConfig): Promise<void> {
    return this.rpc.call('routes.upsert', app);
  }

  /** Replaces the app's uploaded certificates (SNI endpoints with their domains); [] forgets them. */
  setCertificates(appId: string, certs: CertificateEntry[]): Promise<{ hostnames: number }> {
    return this.rpc.call('certs.set', { appId, certs });
  }

  /** Replaces every app's uploaded certificates (on connect). */
  resetCertificates(apps: Array<{ appId: string; certs: CertificateEntry[] }>): Promise<{ hostnames: number }> {
    return this.rpc.call('certs.reset', { apps });
  }

  /** Forgets the app: its route, certificates, log channel and drains. */
  removeApp(appId: string): Promise<void> {
    return this.rpc.call('routes.remove', { appId });
  }

  appendLogs(appId: string, lines: ForwardedLogLine[]): Promise<void> {
    return this.rpc.call('log.append', { appId, lines });
  }

  issueLogSession(appId: string, request: Record<string, unknown>): Promise<{ id: string; path: string }> {
    return this.rpc.call('log.session', { appId, request });
  }

  addDrain(appId: string, url: unknown): Promise<DrainView> {
    return this.rpc.call('drains.add', { appId, url });
  }

  listDrains(appId: string): Promise<DrainView[]> {
    return this.rpc.call('drains.list', { appId });
  }

  removeDrain(appId: string, key: string): Promise<DrainView> {
    return this.rpc.call('drains.remove', { appId, key });
  }

  // Add-on data servers (initdb and a first start can take seconds).

  ensurePostgres(): Promise<PostgresEndpoint> {
    return this.rpc.call('addons.postgres.ensure', {}, 120_000);
  }

  createRedis(id: string, limits: RedisLimits): Promise<RedisEndpoint> {
    return this.rpc.call('addons.redis.create', { id, limits }, 60_000);
  }

  configureRedis(id: string, limits: Partial<RedisLimits>): Promise<RedisLimits> {
    return this.rpc.call('addons.redis.configure', { id, limits });
  }

  destroyRedis(id: string): Promise<void> {
    return this.rpc.call('addons.redis.destroy', { id }, 60_000);
  }

  redisInfo(id: string): Promise<Record<string, string>> {
    return this.rpc.call('addons.redis.info', { id });
  }

  addonServers(): Promise<AddonServerStatus[]> {
    return this.rpc.call('addons.status', {});
  }

  shutdown(killDynos: boolean): Promise<void> {
    return this.rpc.call('shutdown', { killDynos }).then(() => undefined);
  }
}
