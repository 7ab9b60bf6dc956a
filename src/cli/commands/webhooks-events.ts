import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { WebhookEventJson } from '../webhook-types.js';

export const webhooksEvents: Command = {
  name: 'webhooks:events',
  summary: 'list the events offered to an app\'s webhooks, oldest first (the newest 1000 are kept)',
  usage: 'webhooks:events [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:events', 'berth webhooks:events --json'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.list<WebhookEventJson>(appPath(app, '/webhook-events'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no webhook events.`);
    const rows = list.map((e) => [e.id, e.include, e.payload.resource ?? '', e.payload.action ?? '', e.payload.published_at ?? '']);
    for (const line of formatTable([['Event ID', 'Include', 'Resource', 'Action', 'Published At'], ...rows])) ctx.print(line);
  },
};
