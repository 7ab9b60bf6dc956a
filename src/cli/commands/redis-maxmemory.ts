import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveRedis } from '../redis-data.js';

export const redisMaxmemory: Command = {
  name: 'redis:maxmemory',
  summary: "set a Redis add-on's eviction policy (what happens when it is full)",
  usage: 'redis:maxmemory [DATABASE] --policy POLICY [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default REDIS)' }],
  flags: { policy: { type: 'string', short: 'p', value: 'POLICY', description: 'noeviction, allkeys-lru, allkeys-lfu, volatile-lru, …' } },
  needsApp: true,
  examples: ['berth redis:maxmemory --policy allkeys-lru'],
  async run(ctx) {
    const app = ctx.app();
    const policy = ctx.string('policy');
    if (policy === undefined) throw new UsageError('Missing --policy, e.g. --policy allkeys-lru.');
    const redis = await resolveRedis(ctx.api, app, ctx.args[0]);
    const result = await ctx.api.patch<{ maxmemory_policy: { value: string; values: Record<string, string> } }>(`/redis/v0/databases/${redis.addon_id}/config`, { maxmemory_policy: policy });
    const value = result.maxmemory_policy.value;
    ctx.print(`Maxmemory policy for ${redis.name} set to ${value}: ${result.maxmemory_policy.values[value] ?? ''}.`);
  },
};
