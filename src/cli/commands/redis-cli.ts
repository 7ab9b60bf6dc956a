import { runAttached, shellQuote } from '../attached-dyno.js';
import type { Command } from '../command.js';
import { resolveRedis } from '../redis-data.js';

export const redisCli: Command = {
  name: 'redis:cli',
  summary: 'open redis-cli on a Redis add-on, from a one-off dyno attached to this terminal',
  usage: 'redis:cli [DATABASE] [-c COMMAND] [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default REDIS)' }],
  flags: { command: { type: 'string', short: 'c', value: 'COMMAND', description: 'run this Redis command and exit, e.g. "DBSIZE"' } },
  needsApp: true,
  examples: ['berth redis:cli', "berth redis:cli -c 'GET greeting'"],
  async run(ctx) {
    const app = ctx.app();
    const redis = await resolveRedis(ctx.api, app, ctx.args[0]);
    const variable = `${redis.attachment_names[0] ?? 'REDIS'}_URL`;
    const line = ctx.string('command');
    ctx.note(`--> Connecting to ${redis.name}`);
    const command = `redis-cli --no-auth-warning -u "$${variable}"${line === undefined ? '' : ` ${line.trim().split(/\s+/).map(shellQuote).join(' ')}`}`;
    return runAttached(ctx, app, command, { forceNoTty: line !== undefined });
  },
};
