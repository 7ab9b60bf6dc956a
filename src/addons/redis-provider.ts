/**
 * The `heroku-redis` provider: one Redis server per add-on, run by the host agent
 * (redis-instances.ts) and reached through the RedisHost port (the agent's RPC in `berth up`,
 * RedisInstances itself in tests). Config `{ URL: 'redis://default:PASSWORD@GATEWAY:PORT' }`: the
 * user name is Redis's own default user, spelled out because Debian's redis-cli 7.0 ignores the
 * password of `redis://:PASSWORD@…` (Heroku's older form; every client sends the same AUTH). A plan
 * change sets maxmemory and maxclients at once; `setMaxmemoryPolicy` is `redis:maxmemory`.
 */
import { DEFAULT_REDIS_POLICY, findPlan, REDIS_PLANS, type RedisPlan, type RedisPolicy } from './addon-plans.js';
import { AddonProviderError, type AddonProvider, type AddonResource, type ProvisionRequest, type ProvisionResult } from './provider.js';
import type { RedisEndpoint, RedisLimits } from './redis-instances.js';

/** What the provider asks of the host running the instances. */
export interface RedisHost {
  create(id: string, limits: RedisLimits): Promise<RedisEndpoint>;
  configure(id: string, limits: Partial<RedisLimits>): Promise<RedisLimits>;
  destroy(id: string): Promise<void>;
  info(id: string): Promise<Record<string, string>>;
}

/** What `redis:info` shows. */
export interface RedisInfo {
  plan: string;
  version: string;
  maxmemoryBytes: number;
  policy: string;
  usedMemoryBytes: number;
  clients: number;
  maxclients: number;
  keys: number;
}

export class RedisProvider implements AddonProvider {
  readonly service = 'heroku-redis';
  private readonly plans: readonly RedisPlan[];

  constructor(private readonly host: RedisHost, plans?: readonly RedisPlan[]) {
    this.plans = plans ?? REDIS_PLANS;
  }

  private plan(name: string): RedisPlan {
    try {
      return findPlan(this.plans, this.service, name);
    } catch (err) {
      throw new AddonProviderError((err as Error).message);
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AddonProviderError) throw err;
      throw new AddonProviderError(`Could not ${what}: ${(err as Error).message}`);
    }
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const plan = this.plan(request.plan);
    const endpoint = await this.call('start the Redis server', () =>
      this.host.create(request.addonId, { maxmemoryBytes: plan.maxmemoryBytes, policy: DEFAULT_REDIS_POLICY, maxclients: plan.connections }));
    return { state: 'provisioned', providerId: request.addonId, config: { URL: `redis://default:${endpoint.password}@${endpoint.host}:${endpoint.port}` } };
  }

  async changePlan(resource: AddonResource, planName: string): Promise<{ config?: Record<string, string>; message?: string }> {
    const plan = this.plan(planName);
    await this.call('change the Redis plan', () => this.host.configure(resource.addonId, { maxmemoryBytes: plan.maxmemoryBytes, maxclients: plan.connections }));
    return {};
  }

  async deprovision(resource: AddonResource): Promise<void> {
    await this.call('remove the Redis server', () => this.host.destroy(resource.addonId));
  }

  /** `redis:maxmemory --policy POLICY`. */
  async setMaxmemoryPolicy(resource: AddonResource, policy: RedisPolicy): Promise<void> {
    await this.call('set the maxmemory policy', () => this.host.configure(resource.addonId, { policy }));
  }

  async info(resource: AddonResource): Promise<RedisInfo> {
    const plan = this.plan(resource.plan);
    const fields = await this.call('read the Redis server\'s INFO', () => this.host.info(resource.addonId));
    const keys = Object.entries(fields)
      .filter(([k]) => /^db\d+$/.test(k))
      .reduce((sum, [, v]) => sum + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0);
    return {
      plan: plan.name,
      version: fields.redis_version ?? '',
      maxmemoryBytes: Number(fields.maxmemory ?? plan.maxmemoryBytes),
      policy: fields.maxmemory_policy ?? '',
      usedMemoryBytes: Number(fields.used_memory ?? 0),
      clients: Number(fields.connected_clients ?? 0),
      maxclients: plan.connections,
      keys,
    };
  }
}
