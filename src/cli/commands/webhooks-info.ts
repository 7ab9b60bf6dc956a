import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import type { WebhookJson } from '../webhook-types.js';

export const webhooksInfo: Command = {
  name: 'webhooks:info',
  summary: 'show a webhook of an app',
  usage: 'webhooks:info ID [-a APP] [--json]',
  args: [{ name: 'ID', required: true, description: 'the webhook id (see `berth webhooks`)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:info 01234567-89ab-cdef-0123-456789abcdef'],
  async run(ctx) {
    const hook = await ctx.api.get<WebhookJson>(appPath(ctx.app(), `/webhooks/${encodeURIComponent(ctx.args[0] as string)}`));
    if (ctx.bool('json')) return void ctx.printJson(hook);
    ctx.print(ctx.colours.out.bold(`=== ${hook.id}`));
    for (const line of formatKeyValues([['Include', hook.include.join(',')], ['Level', hook.level], ['URL', hook.url], ['Webhook ID', hook.id]])) ctx.print(line);
  },
};
