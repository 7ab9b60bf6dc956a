/**
 * Berth's Redis servers for the `heroku-redis` add-on, run by the host agent: one `redis-server`
 * per add-on, each with its own port on the bridge gateway address, its own directory
 * DATADIR/addons/redis/<add-on id> (append-only file and snapshots), run as the `redis` user
 * (service-jail.ts) and supervised like the PostgreSQL server (supervised-server.ts).
 *
 * Two ACL users per instance: `default`, the app's (the URL `redis://default:PASSWORD@host:port`
 * authenticates as it), may run everything except @admin commands (CONFIG, SHUTDOWN, DEBUG,
 * MODULE, REPLICAOF, …), so an app cannot lift its plan's maxmemory or write files elsewhere;
 * and `berth`, for Berth's own CONFIG SET and health checks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_REDIS_POLICY, REDIS_POLICIES, type RedisPolicy } from './addon-plans.js';
import { freePort } from './free-port.js';
import { respAdmin, respCall, RespError } from './resp-client.js';
import type { RedisHost } from './redis-provider.js';
import { JAIL_DIR, jailedArgv, serviceUser, type ServiceUser } from './service-jail.js';
import { processAlive, SupervisedServer } from './supervised-server.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface RedisLimits {
  maxmemoryBytes: number;
  policy: RedisPolicy;
  maxclients: number;
}

/** What the agent keeps per instance (instance.json, root-only). */
export interface RedisInstanceRecord extends RedisLimits {
  id: string;
  port: number;
  password: string;
  adminPassword: string;
}

/** What the provider needs to build the add-on's URL. */
export interface RedisEndpoint {
  id: string;
  host: string;
  port: number;
  password: string;
}

export interface RedisInstancesOptions {
  /** DATADIR/addons/redis */
  dir: string;
  /** The address dynos reach (the bridge gateway). */
  host: string;
  log(message: string): void;
  /** false: no fsync of the append-only file (tests and benchmarks). Default true. */
  durable?: boolean;
}

/** Limits as they arrive over the agent's RPC; a TypeError names what is wrong. */
export function parseLimits(value: unknown): Partial<RedisLimits> {
  if (typeof value !== 'object' || value === null) throw new TypeError('limits must be an object');
  const v = value as Record<string, unknown>;
  const out: Partial<RedisLimits> = {};
  if (v.maxmemoryBytes !== undefined) {
    if (typeof v.maxmemoryBytes !== 'number') throw new TypeError('limits.maxmemoryBytes must be a number');
    out.maxmemoryBytes = v.maxmemoryBytes;
  }
  if (v.maxclients !== undefined) {
    if (typeof v.maxclients !== 'number') throw new TypeError('limits.maxclients must be a number');
    out.maxclients = v.maxclients;
  }
  if (v.policy !== undefined) {
    if (typeof v.policy !== 'string') throw new TypeError('limits.policy must be a string');
    out.policy = v.policy as RedisPolicy;
  }
  return out;
}

/** Full limits for a new instance. */
export function parseFullLimits(value: unknown): RedisLimits {
  const limits = parseLimits(value);
  if (limits.maxmemoryBytes === undefined || limits.maxclients === undefined || limits.policy === undefined) {
    throw new TypeError('limits needs maxmemoryBytes, maxclients and policy');
  }
  return limits as RedisLimits;
}

export function checkLimits(limits: Partial<RedisLimits>): void {
  if (limits.policy !== undefined && !REDIS_POLICIES.includes(limits.policy)) {
    throw new RangeError(`Unknown maxmemory policy ${JSON.stringify(limits.policy)}; valid policies: ${REDIS_POLICIES.join(', ')}`);
  }
  for (const key of ['maxmemoryBytes', 'maxclients'] as const) {
    const value = limits[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new RangeError(`${key} must be a positive integer`);
  }
}

export class RedisInstances implements RedisHost {
  private readonly user: ServiceUser;
  private readonly running = new Map<string, { record: RedisInstanceRecord; server: SupervisedServer }>();

  constructor(private readonly options: RedisInstancesOptions) {
    this.user = serviceUser('redis', 'redis-server');
  }

  private instanceDir(id: string): string {
    if (!ID.test(id)) throw new RangeError(`Invalid Redis instance id ${JSON.stringify(id)}`);
    return join(this.options.dir, id);
  }

  /** Adopts or starts every instance found under dir (agent startup). */
  async startAll(): Promise<Array<{ id: string; outcome: 'adopted' | 'started' | 'failed' }>> {
    const ids = existsSync(this.options.dir) ? (await readdir(this.options.dir)).filter((n) => ID.test(n)) : [];
    return Promise.all(ids.map(async (id) => {
      const record = await readFile(join(this.options.dir, id, 'instance.json'), 'utf8').then((t) => JSON.parse(t) as RedisInstanceRecord, () => undefined);
      if (!record) return { id, outcome: 'failed' as const };
      try {
        return { id, outcome: await this.run(record) };
      } catch (err) {
        this.options.log(`redis ${id}: ${(err as Error).message}`);
        return { id, outcome: 'failed' as const };
      }
    }));
  }

  /** Creates and starts the instance (or returns the running one: provisioning may be retried). */
  async create(id: string, limits: RedisLimits): Promise<RedisEndpoint> {
    checkLimits(limits);
    const dir = this.instanceDir(id);
    const existing = this.running.get(id);
    if (existing) return this.endpoint(existing.record);
    const record: RedisInstanceRecord = {
      id, ...limits, port: await freePort(this.options.host),
      password: randomBytes(32).toString('hex'), adminPassword: randomBytes(32).toString('hex'),
    };
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await this.save(record);
    await this.run(record);
    return this.endpoint(record);
  }

  endpoint(record: RedisInstanceRecord): RedisEndpoint {
    return { id: record.id, host: this.options.host, port: record.port, password: record.password };
  }

  get(id: string): { record: RedisInstanceRecord; server: SupervisedServer } | undefined {
    return this.running.get(id);
  }

  list(): RedisEndpoint[] {
    return [...this.running.values()].map((r) => this.endpoint(r.record));
  }

  /** Applies new limits at once (CONFIG SET) and keeps them for restarts. */
  async configure(id: string, limits: Partial<RedisLimits>): Promise<RedisLimits> {
    checkLimits(limits);
    const entry = this.running.get(id);
    if (!entry) throw new RangeError(`No Redis instance ${id} runs on this host`);
    const record = { ...entry.record, ...limits };
    await respAdmin(this.options.host, record.port, { user: 'berth', password: record.adminPassword }, [
      ['CONFIG', 'SET', 'maxmemory', String(record.maxmemoryBytes)],
      ['CONFIG', 'SET', 'maxmemory-policy', record.policy],
      ['CONFIG', 'SET', 'maxclients', String(record.maxclients)],
    ]);
    await this.save(record);
    entry.record = record;
    return { maxmemoryBytes: record.maxmemoryBytes, policy: record.policy, maxclients: record.maxclients };
  }

  /** `INFO` of the instance, as Berth's admin user (for redis:info). */
  async info(id: string): Promise<Record<string, string>> {
    const entry = this.running.get(id);
    if (!entry) throw new RangeError(`No Redis instance ${id} runs on this host`);
    const [text] = await respAdmin(this.options.host, entry.record.port, { user: 'berth', password: entry.record.adminPassword }, [['INFO']]);
    const fields: Record<string, string> = {};
    for (const line of String(text).split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return fields;
  }

  /** Stops the instance and deletes its data. Unknown ids are already gone. */
  async destroy(id: string): Promise<void> {
    const dir = this.instanceDir(id);
    const entry = this.running.get(id);
    this.running.delete(id);
    if (entry) await entry.server.stop(5_000);
    else await new SupervisedServer(this.spec(id, 0), { log: this.options.log }).stop(5_000); // one a dead agent left
    await rm(dir, { recursive: true, force: true });
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.running.values()].map((e) => e.server.stop(graceMs)));
    this.running.clear();
  }

  /** Lets go of every instance without stopping them (see SupervisedServer.release). */
  releaseAll(): void {
    for (const entry of this.running.values()) entry.server.release();
    this.running.clear();
  }

  private async run(record: RedisInstanceRecord): Promise<'adopted' | 'started'> {
    const dir = this.instanceDir(record.id);
    await this.writeConfig(record);
    const server = new SupervisedServer(this.spec(record.id, record.port), { log: this.options.log });
    this.running.set(record.id, { record, server });
    try {
      return await server.start();
    } catch (err) {
      this.running.delete(record.id);
      throw new Error(`Redis for ${record.id} did not start: ${(err as Error).message}; see ${join(dir, 'redis.log')}`);
    }
  }

  private spec(id: string, port: number) {
    const dir = this.instanceDir(id);
    return {
      name: `redis ${id}`,
      argv: jailedArgv(dir, this.user, [REDIS_SERVER, `${JAIL_DIR}/redis.conf`]),
      pidFile: join(dir, 'redis.pid'),
      workDir: dir,
      logFile: join(dir, 'redis.log'),
      stopSignal: 'SIGTERM' as const,
      ready: (pid: number, signal: AbortSignal) => this.ready(id, port, pid, signal),
    };
  }

  private async ready(id: string, port: number, pid: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!processAlive(pid)) throw new Error('exited while starting');
      const password = this.running.get(id)?.record.adminPassword ?? '';
      const replies = await respCall(this.options.host, port, [['AUTH', 'berth', password], ['PING']], 1_000).catch(() => undefined);
      if (replies && replies[1] === 'PONG') return;
      if (replies?.[0] instanceof RespError && !/LOADING/.test(replies[0].message)) throw replies[0];
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out');
  }

  private async save(record: RedisInstanceRecord): Promise<void> {
    const file = join(this.instanceDir(record.id), 'instance.json');
    await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  private async writeConfig(record: RedisInstanceRecord): Promise<void> {
    const dir = this.instanceDir(record.id);
    const durable = this.options.durable ?? true;
    const lines = [
      '# Written by Berth at every start of this add-on instance; edits are lost.',
      `bind ${this.options.host}`,
      `port ${record.port}`,
      'protected-mode yes',
      'daemonize no',
      `pidfile ${JAIL_DIR}/redis.pid`,
      `dir ${JAIL_DIR}`,
      'logfile ""',
      'appendonly yes',
      `appendfsync ${durable ? 'everysec' : 'no'}`,
      'save 3600 1 300 100 60 10000',
      `maxmemory ${record.maxmemoryBytes}`,
      `maxmemory-policy ${record.policy ?? DEFAULT_REDIS_POLICY}`,
      `maxclients ${record.maxclients}`,
      `user default on >${record.password} ~* &* +@all -@admin +client|list +slowlog|get +role`,
      `user berth on >${record.adminPassword} ~* &* +@all`,
      '',
    ];
    const file = join(dir, 'redis.conf');
    await writeFile(file, lines.join('\n'), { mode: 0o600 });
    await chown(file, this.user.uid, this.user.gid);
    await chown(dir, this.user.uid, this.user.gid);
  }
}
