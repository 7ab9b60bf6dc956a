/**
 * The plans of Berth's own data services as their providers apply them, read from the add-on
 * catalog (one list of plans, under Heroku's names): PostgreSQL a per-database connection limit
 * and a storage quota (reported, see postgres-provider.ts), Redis `maxmemory` and `maxclients` of
 * its own instance; and Redis's maxmemory policies.
 */
import { BUILTIN_SERVICES } from '../core/addon-catalog.js';

export interface PostgresPlan {
  name: string;
  connections: number;
  storageBytes: number;
}

export interface RedisPlan {
  name: string;
  maxmemoryBytes: number;
  connections: number;
}

function catalogPlans(service: string) {
  const spec = BUILTIN_SERVICES.find((s) => s.name === service);
  if (!spec) throw new Error(`${service} is missing from the built-in add-on catalog`);
  return spec.plans;
}

/** heroku-postgresql's plans from the catalog (src/core/addon-catalog.ts), with their limits. */
export const POSTGRES_PLANS: readonly PostgresPlan[] = catalogPlans('heroku-postgresql').map((p) => ({
  name: p.name,
  connections: p.limits.connections ?? 20,
  storageBytes: p.limits.storageBytes ?? 1024 ** 3,
}));

/** heroku-redis's plans from the catalog, with their limits. */
export const REDIS_PLANS: readonly RedisPlan[] = catalogPlans('heroku-redis').map((p) => ({
  name: p.name,
  connections: p.limits.connections ?? 20,
  maxmemoryBytes: p.limits.maxmemoryBytes ?? 25 * 1024 ** 2,
}));

/** Heroku's default maxmemory-policy for its Redis plans. */
export const DEFAULT_REDIS_POLICY = 'noeviction';

/** Redis's maxmemory policies (`redis:maxmemory --policy`). */
export const REDIS_POLICIES = [
  'noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-random', 'volatile-ttl', 'allkeys-lfu', 'volatile-lfu',
] as const;
export type RedisPolicy = (typeof REDIS_POLICIES)[number];

/** The plan named `name`, or a refusal that lists the valid ones. */
export function findPlan<P extends { name: string }>(plans: readonly P[], service: string, name: string): P {
  const plan = plans.find((p) => p.name === name);
  if (!plan) throw new RangeError(`Unknown plan ${service}:${name}; valid plans: ${plans.map((p) => p.name).join(', ')}`);
  return plan;
}
