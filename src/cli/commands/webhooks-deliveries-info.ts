import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import type { WebhookDeliveryJson, WebhookEventJson } from '../webhook-types.js';

export const webhooksDeliveriesInfo: Command = {
  name: 'webhooks:deliveries:info',
  summary: 'show a webhook delivery and the payload of its event',
  usage: 'webhooks:deliveries:info ID [-a APP] [--json]',
  args: [{ name: 'ID', required: true, description: 'the delivery id (see `berth webhooks:deliveries`)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:deliveries:info 01234567-89ab-cdef-0123-456789abcdef'],
  async run(ctx) {
    const app = ctx.app();
    const delivery = await ctx.api.get<WebhookDeliveryJson>(appPath(app, `/webhook-deliveries/${encodeURIComponent(ctx.args[0] as string)}`));
    const event = await ctx.api.get<WebhookEventJson>(appPath(app, `/webhook-events/${encodeURIComponent(delivery.event.id)}`));
    if (ctx.bool('json')) return void ctx.printJson({ delivery, event });
    ctx.print(ctx.colours.out.bold(`=== ${delivery.id}`));
    const pairs: Array<[string, string]> = [
      ['Created', delivery.created_at],
      ['Event', delivery.event.id],
      ['Webhook', delivery.webhook.id],
      ['Status', delivery.status],
      ['Include', delivery.event.include],
      ['Level', delivery.webhook.level],
      ['Attempts', String(delivery.num_attempts)],
      ['Code', delivery.last_attempt?.code?.toString() ?? ''],
      ['Error', delivery.last_attempt?.error_class ?? ''],
      ['Next Attempt', delivery.next_attempt_at ?? ''],
    ];
    for (const line of formatKeyValues(pairs)) ctx.print(line);
    ctx.print();
    ctx.print(ctx.colours.out.bold('=== Event Payload'));
    ctx.print(JSON.stringify(event.payload, null, 2));
  },
};
