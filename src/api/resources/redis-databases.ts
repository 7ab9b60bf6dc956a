import { invalidParams, PlatformError } from '../../core/errors.js';
import type { RequestContext, Route } from '../context.js';
import type { DataAddon, RedisFacts } from '../data-port.js';
import { routeApp } from '../app-access.js';
import { addonUrl, attachmentNames, findDataAddon, REDIS_SERVICE, resolveOnApp } from '../data-access.js';

/**
 * Heroku's Redis data API (`/redis/v0/databases/:id_or_name`, the official CLI's `redis:info`,
 * `redis:cli`, `redis:maxmemory` with `HEROKU_REDIS_HOST`/`HEROKU_DATA_HOST`), served on the
 * API port. Berth's Redis speaks plain TCP (no TLS), so `prefer_native_tls` is false and the plan
 * is reported with Heroku's `hobby-` prefix, which makes `heroku redis:cli --confirm APP`
 * connect without TLS.
 */

export const MAXMEMORY_POLICIES: Record<string, string> = {
  noeviction: 'return errors when memory limit is reached',
  'allkeys-lfu': 'evict any key, least frequently used (LFU) first',
  'allkeys-lru': 'evict keys trying to remove the less recently used (LRU) keys first',
  'allkeys-random': 'evict keys randomly',
  'volatile-lfu': 'evict keys with an expire set, least frequently used (LFU) first',
  'volatile-lru': 'evict keys with an expire set, less recently used (LRU) first',
  'volatile-random': 'evict keys with an expire set, randomly',
  'volatile-ttl': 'evict keys with an expire set, shorter time to live (TTL) first',
};

const database = (ctx: RequestContext) => findDataAddon(ctx, ctx.params.database as string, REDIS_SERVICE);

async function redisInfo(ctx: RequestContext, addon: DataAddon, appId: string) {
  const url = addonUrl(addon);
  let facts: RedisFacts | undefined;
  let problem = '';
  try {
    facts = await ctx.deps.data!.redisFacts(addon);
  } catch (err) {
    problem = (err as Error).message;
  }
  const info: Array<{ name: string; values: string[] }> = [
    { name: 'Plan', values: [addon.plan] },
    { name: 'Status', values: [facts ? 'available' : `unavailable: ${problem}`] },
    { name: 'Created', values: [addon.createdAt] },
  ];
  if (facts) {
    info.push(
      { name: 'Version', values: [facts.version] },
      { name: 'Timeout', values: ['0'] },
      { name: 'Maxmemory', values: [`${facts.maxmemoryBytes} bytes, ${facts.maxmemoryPolicy}`] },
      { name: 'Used memory', values: [`${facts.usedMemoryBytes} bytes`] },
      { name: 'Clients', values: [String(facts.connectedClients)] },
    );
  }
  return {
    status: 200,
    body: {
      addon_id: addon.id,
      name: addon.name,
      plan: addon.plan.startsWith('hobby') ? addon.plan : `hobby-${addon.plan}`,
      resource_url: url,
      prefer_native_tls: false,
      version: facts?.version ?? null,
      attachment_names: attachmentNames(addon, appId),
      info,
    },
  };
}

export const redisDatabaseRoutes: Route[] = [
  {
    method: 'GET',
    path: '/redis/v0/databases/:database',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      return redisInfo(ctx, addon, addon.appId);
    },
  },
  {
    method: 'GET',
    path: '/redis/v0/apps/:app/databases/:database',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const addon = await resolveOnApp(ctx, app, ctx.params.database === '-' ? undefined : (ctx.params.database as string), REDIS_SERVICE);
      return redisInfo(ctx, addon, app.id);
    },
  },
  {
    method: 'PATCH',
    path: '/redis/v0/databases/:database/config',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const addon = await database(ctx);
      const policy = body.maxmemory_policy;
      if (typeof policy !== 'string' || !(policy in MAXMEMORY_POLICIES)) {
        throw invalidParams(`maxmemory_policy must be one of ${Object.keys(MAXMEMORY_POLICIES).join(', ')}.`);
      }
      try {
        await ctx.deps.data!.setRedisMaxmemoryPolicy(addon, policy);
      } catch (err) {
        if (err instanceof PlatformError) throw err;
        throw new PlatformError('service_unavailable', `Could not set the maxmemory policy of ${addon.name}: ${(err as Error).message}`);
      }
      return { status: 200, body: { maxmemory_policy: { value: policy, values: MAXMEMORY_POLICIES } } };
    },
  },
];
