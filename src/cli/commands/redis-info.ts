import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { resolveRedis } from '../redis-data.js';

export const redisInfo: Command = {
  name: 'redis:info',
  aliases: ['redis'],
  summary: 'show a Redis add-on: plan, version, memory and its eviction policy',
  usage: 'redis:info [DATABASE] [-a APP] [--json]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment (REDIS), config var or add-on name (default REDIS)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth redis:info'],
  async run(ctx) {
    const app = ctx.app();
    const redis = await resolveRedis(ctx.api, app, ctx.args[0]);
    if (ctx.bool('json')) return void ctx.printJson(redis);
    ctx.print(ctx.colours.out.bold(`=== ${redis.name} (${redis.attachment_names.map((n) => `${n}_URL`).join(', ')})`));
    for (const line of formatKeyValues(redis.info.map((i) => [i.name, i.values.join(', ')] as const))) ctx.print(line);
  },
};
