import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { WebhookDeliveryJson } from '../webhook-types.js';

export const webhooksDeliveries: Command = {
  name: 'webhooks:deliveries',
  summary: "list an app's webhook deliveries, newest last: status, attempts, last response code and error",
  usage: 'webhooks:deliveries [-s STATUS] [-a APP] [--json]',
  flags: { status: { type: 'string', short: 's', value: 'STATUS', description: 'only deliveries with this status: pending, retrying, failed, succeeded' }, json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:deliveries', 'berth webhooks:deliveries -s failed'],
  async run(ctx) {
    const app = ctx.app();
    const status = ctx.string('status');
    const path = appPath(app, `/webhook-deliveries${status === undefined ? '' : `?eq[status]=${encodeURIComponent(status)}`}`);
    const list = await ctx.api.list<WebhookDeliveryJson>(path);
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no${status ? ` ${status}` : ''} webhook deliveries.`);
    const rows = list.map((d) => [d.id, d.created_at, d.status, d.event.include, d.webhook.level, String(d.num_attempts), d.last_attempt?.code?.toString() ?? '', d.last_attempt?.error_class ?? '', d.next_attempt_at ?? '']);
    for (const line of formatTable([['Delivery ID', 'Created', 'Status', 'Include', 'Level', 'Attempts', 'Code', 'Error', 'Next Attempt'], ...rows])) ctx.print(line);
  },
};
