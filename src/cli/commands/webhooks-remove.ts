import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import type { WebhookJson } from '../webhook-types.js';

export const webhooksRemove: Command = {
  name: 'webhooks:remove',
  summary: 'remove a webhook from an app (its pending deliveries are not sent)',
  usage: 'webhooks:remove ID [-a APP] [--json]',
  args: [{ name: 'ID', required: true, description: 'the webhook id (see `berth webhooks`)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:remove 01234567-89ab-cdef-0123-456789abcdef'],
  async run(ctx) {
    const app = ctx.app();
    const hook = await ctx.api.delete<WebhookJson>(appPath(app, `/webhooks/${encodeURIComponent(ctx.args[0] as string)}`));
    if (ctx.bool('json')) return void ctx.printJson(hook);
    ctx.print(`Removed webhook ${hook.id} from ${app}.`);
  },
};
