/**
 * The plans of Berth's own data services, under Heroku's names so existing scripts and app.json
 * files work (`heroku-postgresql:essential-0`, `heroku-redis:mini`). Each carries the limits the
 * provider applies: PostgreSQL a per-database connection limit and a storage quota (reported,
 * see postgres-provider.ts), Redis `maxmemory` and `maxclients` of its own instance.
 */
const MB = 1024 * 1024;
const GB = 1024 * MB;

export interface PostgresPlan {
  name: string;
  description: string;
  connections: number;
  storageBytes: number;
}

export interface RedisPlan {
  name: string;
  description: string;
  maxmemoryBytes: number;
  connections: number;
}

export const POSTGRES_PLANS: readonly PostgresPlan[] = [
  { name: 'essential-0', description: 'Essential 0: 1 GB storage, 20 connections', connections: 20, storageBytes: 1 * GB },
  { name: 'essential-1', description: 'Essential 1: 10 GB storage, 20 connections', connections: 20, storageBytes: 10 * GB },
  { name: 'essential-2', description: 'Essential 2: 32 GB storage, 40 connections', connections: 40, storageBytes: 32 * GB },
  { name: 'mini', description: 'Mini (legacy): 1 GB storage, 20 connections', connections: 20, storageBytes: 1 * GB },
  { name: 'basic', description: 'Basic (legacy): 10 GB storage, 20 connections', connections: 20, storageBytes: 10 * GB },
  { name: 'standard-0', description: 'Standard 0: 64 GB storage, 120 connections', connections: 120, storageBytes: 64 * GB },
  { name: 'standard-2', description: 'Standard 2: 256 GB storage, 400 connections', connections: 400, storageBytes: 256 * GB },
  { name: 'premium-0', description: 'Premium 0: 64 GB storage, 120 connections', connections: 120, storageBytes: 64 * GB },
];

/** Heroku's default maxmemory-policy for its Redis plans. */
export const DEFAULT_REDIS_POLICY = 'noeviction';

export const REDIS_PLANS: readonly RedisPlan[] = [
  { name: 'mini', description: 'Mini: 25 MB, 20 connections', maxmemoryBytes: 25 * MB, connections: 20 },
  { name: 'premium-0', description: 'Premium 0: 50 MB, 40 connections', maxmemoryBytes: 50 * MB, connections: 40 },
  { name: 'premium-1', description: 'Premium 1: 100 MB, 80 connections', maxmemoryBytes: 100 * MB, connections: 80 },
  { name: 'premium-2', description: 'Premium 2: 250 MB, 200 connections', maxmemoryBytes: 250 * MB, connections: 200 },
  { name: 'premium-3', description: 'Premium 3: 500 MB, 400 connections', maxmemoryBytes: 500 * MB, connections: 400 },
  { name: 'premium-5', description: 'Premium 5: 1 GB, 1000 connections', maxmemoryBytes: 1 * GB, connections: 1000 },
];

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
