/**
 * The data servers one host agent runs for add-ons, under DATADIR/addons: the PostgreSQL server
 * (started on first use, then at every agent start) and one Redis server per `heroku-redis'
 * add-on. The agent serves them over its RPC (agent-contract.ts `addons.*`); the control plane's
 * providers (postgres-provider.ts, redis-provider.ts) call them through it.
 *
 * Lifetimes follow the dynos': the servers outlive the agent (a new agent adopts them), a clean
 * stop of `berth up` stops them, and one that dies is restarted.
 */
import { join } from 'node:path';
import { PostgresServer, type PostgresEndpoint } from './postgres-server.js';
import { RedisInstances, type RedisEndpoint, type RedisLimits } from './redis-instances.js';
import type { RedisHost } from './redis-provider.js';

export interface AddonServersOptions {
  /** DATADIR/addons */
  dir: string;
  /** The bridge gateway address dynos reach. */
  host: string;
  /** The dyno subnet (pg_hba.conf). */
  subnet: string;
  log(message: string): void;
  /**
   * The ports the servers listen on (on `host`), after every change: the agent opens exactly these
   * to dynos in the host firewall (Runtime.offerHostPorts). Awaited before a new server's
   * endpoint is handed out, so its URL works from the first connection.
   */
  onPorts?(ports: number[]): Promise<void>;
  /** false only in tests and benchmarks: no fsync. */
  durable?: boolean;
}

export interface AddonServerStatus {
  name: string;
  state: string;
  pid: number | null;
  port: number;
  restarts: number;
}

export class AddonServers implements RedisHost {
  readonly redis: RedisInstances;
  private postgres: PostgresServer | undefined;
  private postgresStarting: Promise<PostgresEndpoint> | undefined;

  constructor(private readonly options: AddonServersOptions) {
    this.redis = new RedisInstances({ dir: join(options.dir, 'redis'), host: options.host, log: options.log, ...(options.durable !== undefined ? { durable: options.durable } : {}) });
  }

  /** At agent start: adopt or start every server that existed before. */
  async startExisting(): Promise<void> {
    const work: Array<Promise<unknown>> = [this.redis.startAll().then((outcomes) => {
      for (const o of outcomes) this.options.log(`redis ${o.id}: ${o.outcome}`);
    })];
    if (PostgresServer.exists(join(this.options.dir, 'postgres'))) {
      work.push(this.ensurePostgres().then(() => this.options.log(`postgres: running on ${this.options.host}`), (err: unknown) => this.options.log(`postgres: ${(err as Error).message}`)));
    }
    await Promise.all(work);
    await this.announcePorts();
  }

  /** The ports every server of this host listens on now. */
  ports(): number[] {
    return [...(this.postgres ? [this.postgres.endpoint.port] : []), ...this.redis.list().map((e) => e.port)];
  }

  private async announcePorts(): Promise<void> {
    await this.options.onPorts?.(this.ports());
  }

  /** The PostgreSQL server's endpoint, initialising and starting it on first use. */
  ensurePostgres(): Promise<PostgresEndpoint> {
    this.postgresStarting ??= (async () => {
      const server = new PostgresServer({ dir: join(this.options.dir, 'postgres'), host: this.options.host, subnet: this.options.subnet, log: this.options.log, ...(this.options.durable !== undefined ? { durable: this.options.durable } : {}) });
      const outcome = await server.start();
      this.options.log(`postgres: ${outcome}`);
      this.postgres = server;
      await this.announcePorts();
      return server.endpoint;
    })().catch((err: unknown) => {
      this.postgresStarting = undefined;
      throw err;
    });
    return this.postgresStarting;
  }

  async create(id: string, limits: RedisLimits): Promise<RedisEndpoint> {
    const endpoint = await this.redis.create(id, limits);
    await this.announcePorts();
    return endpoint;
  }

  configure(id: string, limits: Partial<RedisLimits>): Promise<RedisLimits> {
    return this.redis.configure(id, limits);
  }

  async destroy(id: string): Promise<void> {
    await this.redis.destroy(id);
    await this.announcePorts();
  }

  info(id: string): Promise<Record<string, string>> {
    return this.redis.info(id);
  }

  status(): AddonServerStatus[] {
    const out: AddonServerStatus[] = [];
    const pg = this.postgres?.supervisor;
    if (this.postgres && pg) out.push({ name: 'postgres', state: pg.state, pid: pg.pid ?? null, port: this.postgres.endpoint.port, restarts: pg.restarts });
    for (const endpoint of this.redis.list()) {
      const server = this.redis.get(endpoint.id)!.server;
      out.push({ name: `redis ${endpoint.id}`, state: server.state, pid: server.pid ?? null, port: endpoint.port, restarts: server.restarts });
    }
    return out;
  }

  /** A clean stop: every server shuts down. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([this.postgres?.stop(graceMs), this.redis.stopAll(graceMs)]);
  }

  /** The agent leaves without stopping them (a new agent adopts them). */
  releaseAll(): void {
    this.postgres?.release();
    this.redis.releaseAll();
  }
}
