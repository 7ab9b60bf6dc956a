import type { PostgresEndpoint } from '../addons/postgres-server.js';
import type { RedisEndpoint, RedisLimits } from '../addons/redis-instances.js';
import type { RedisHost } from '../addons/redis-provider.js';
import type { AppMetricRows } from '../core/app-metrics.js';
import type { DrainView } from '../core/drain-view.js';
import type { DynoEvent, DynoHost, DynoLaunch, DynoRecord } from '../core/dyno-host.js';
import { errorRegistry, PlatformError, type ErrorId } from '../core/errors.js';
import type { AgentClient } from './agent-client.js';
import type { ForwardedLogLine } from './agent-contract.js';
import type { CertificateEntry } from './certificate-book.js';
import { RpcError } from './json-rpc.js';
import type { AppRouteConfig } from './route-state.js';

export interface AgentConnectionOptions {
  /** A fresh client to the agent (starting it when none answers); called after the connection drops. */
  reconnect(): Promise<AgentClient>;
  /** Structured warnings and errors (`at=warn msg=…`). */
  log(event: Record<string, unknown>): void;
  /** First wait before reconnecting, doubled after each failure up to maxDelayMs (defaults 200 ms and 5 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

const NOT_CONNECTED = 'the host agent is not connected';

/**
 * The control plane's connection to its host agent, across reconnects: it owns the current
 * AgentClient, reconnects with backoff when the agent goes away, fans the agent's dyno events out
 * to every listener, and implements the ports the control plane needs — DynoHost for the dyno
 * manager, logplex (sessions, drains) for the API, routes, certificates and log lines for the
 * deploy pipeline. While disconnected, reads answer empty, stops are no-ops and everything else
 * rejects with "the host agent is not connected"; `onConnect` hooks bring a new agent up to date.
 */
export class AgentConnection implements DynoHost, RedisHost {
  private client: AgentClient | undefined;
  private readonly listeners = new Set<(event: DynoEvent) => void>();
  private readonly connectHooks: Array<() => Promise<void>> = [];
  private readonly lostHooks: Array<() => void> = [];
  private closing = false;

  constructor(first: AgentClient, private readonly options: AgentConnectionOptions) {
    this.client = first;
  }

  /** The client of the agent now connected, if any. */
  get current(): AgentClient | undefined {
    return this.client;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Runs on every (re)connection, in order, before the connection counts as open. */
  onConnect(hook: () => Promise<void>): void {
    this.connectHooks.push(hook);
  }

  /** Runs when the connection drops (before reconnecting). */
  onLost(hook: () => void): void {
    this.lostHooks.push(hook);
  }

  /** Opens the first client: events flow, connect hooks run, and a drop from now on reconnects. */
  async open(): Promise<void> {
    if (!this.client) throw new Error(NOT_CONNECTED);
    await this.adopt(this.client);
  }

  /** Stops following the agent: a drop no longer reconnects. The current client stays open. */
  stopReconnecting(): void {
    this.closing = true;
  }

  private async adopt(client: AgentClient): Promise<void> {
    this.client = client;
    client.onEvent((event) => {
      for (const listener of this.listeners) listener(event);
    });
    for (const hook of this.connectHooks) await hook();
    void client.closed.then(() => this.lost());
  }

  private async lost(): Promise<void> {
    if (this.closing) return;
    this.client = undefined;
    for (const hook of this.lostHooks) hook();
    this.options.log({ at: 'warn', msg: 'lost the host agent; reconnecting' });
    const initial = this.options.initialDelayMs ?? 200;
    const max = this.options.maxDelayMs ?? 5000;
    for (let attempt = 0; !this.closing; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(max, initial * 2 ** attempt)));
      try {
        await this.adopt(await this.options.reconnect());
        return;
      } catch (err) {
        this.options.log({ at: 'error', during: 'agent reconnect', error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private require(): AgentClient {
    if (!this.client) throw new Error(NOT_CONNECTED);
    return this.client;
  }

  // DynoHost (the dyno manager's port).

  list(): Promise<DynoRecord[]> {
    return this.client ? this.client.list() : Promise.resolve([]);
  }

  async start(launch: DynoLaunch): Promise<DynoRecord> {
    return this.require().start(launch);
  }

  stop(dynoId: string, graceMs: number): Promise<void> {
    return this.client ? this.client.stop(dynoId, graceMs) : Promise.resolve();
  }

  forget(dynoId: string): Promise<void> {
    return this.client ? this.client.forget(dynoId) : Promise.resolve();
  }

  onEvent(listener: (event: DynoEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Logplex (the API's LogplexPort): errors keep their PlatformError id across the socket.

  issueSession(appId: string, request: Record<string, unknown>): Promise<{ id: string; path: string }> {
    return platformErrors(async () => this.require().issueLogSession(appId, request));
  }

  addDrain(appId: string, url: unknown): Promise<DrainView> {
    return platformErrors(async () => this.require().addDrain(appId, url));
  }

  listDrains(appId: string): Promise<DrainView[]> {
    return platformErrors(async () => (this.client ? this.client.listDrains(appId) : []));
  }

  removeDrain(appId: string, key: string): Promise<DrainView> {
    return platformErrors(async () => this.require().removeDrain(appId, key));
  }

  // Metrics (the flusher and the metrics endpoint): rejects while disconnected, so a caller keeps its cursor.

  async metricsMinutes(request: { appId?: string; from: number; to: number }): Promise<Array<{ appId: string } & AppMetricRows>> {
    return this.require().metricsMinutes(request);
  }

  // Routes, certificates and control-plane log lines (the deploy pipeline's ports).

  async setRoutes(apps: AppRouteConfig[]): Promise<void> {
    return this.require().setRoutes(apps);
  }

  async upsertRoute(app: AppRouteConfig): Promise<void> {
    return this.require().upsertRoute(app);
  }

  async removeApp(appId: string): Promise<void> {
    return this.require().removeApp(appId);
  }

  async setCertificates(appId: string, certs: CertificateEntry[]): Promise<{ hostnames: number }> {
    return this.require().setCertificates(appId, certs);
  }

  async resetCertificates(apps: Array<{ appId: string; certs: CertificateEntry[] }>): Promise<{ hostnames: number }> {
    return this.require().resetCertificates(apps);
  }

  async appendLogs(appId: string, lines: ForwardedLogLine[]): Promise<void> {
    return this.require().appendLogs(appId, lines);
  }

  // The add-on data servers the agent runs (RedisHost for the heroku-redis provider).

  async ensurePostgres(): Promise<PostgresEndpoint> {
    return this.require().ensurePostgres();
  }

  async create(id: string, limits: RedisLimits): Promise<RedisEndpoint> {
    return this.require().createRedis(id, limits);
  }

  async configure(id: string, limits: Partial<RedisLimits>): Promise<RedisLimits> {
    return this.require().configureRedis(id, limits);
  }

  async destroy(id: string): Promise<void> {
    return this.require().destroyRedis(id);
  }

  async info(id: string): Promise<Record<string, string>> {
    return this.require().redisInfo(id);
  }
}

/** Errors from the host agent keep their PlatformError id (invalid_params, conflict…). */
async function platformErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RpcError && err.code in errorRegistry) throw new PlatformError(err.code as ErrorId, err.message);
    throw err;
  }
}
