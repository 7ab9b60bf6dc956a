import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { WebhookJson } from '../webhook-types.js';

export const webhooks: Command = {
  name: 'webhooks',
  summary: "list an app's webhooks",
  usage: 'webhooks [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks', 'berth webhooks --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.get<WebhookJson[]>(appPath(app, '/webhooks'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no webhooks. Add one with \`berth webhooks:add -u URL -i api:release -l notify\`.`);
    const rows = list.map((w) => [w.id, w.url, w.include.join(','), w.level]);
    for (const line of formatTable([['Webhook ID', 'URL', 'Include', 'Level'], ...rows])) ctx.print(line);
  },
};
