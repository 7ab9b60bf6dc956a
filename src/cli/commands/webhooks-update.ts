import { appPath } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { webhookBody, webhookFlags, type WebhookJson } from '../webhook-types.js';

export const webhooksUpdate: Command = {
  name: 'webhooks:update',
  summary: "change a webhook's URL, entities, level, secret or authorization",
  usage: 'webhooks:update ID [-u URL] [-i ENTITIES] [-l notify|sync] [-s SECRET] [-t AUTHORIZATION] [-a APP] [--json]',
  args: [{ name: 'ID', required: true, description: 'the webhook id (see `berth webhooks`)' }],
  flags: { ...webhookFlags, json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:update 01234567-89ab-cdef-0123-456789abcdef -l notify', 'berth webhooks:update 01234567-89ab-cdef-0123-456789abcdef -i api:release,dyno'],
  async run(ctx) {
    const body = webhookBody((flag) => ctx.string(flag));
    if (Object.keys(body).length === 0) throw new CliError('Nothing to change: give at least one of --url, --include, --level, --secret, --authorization.');
    const id = ctx.args[0] as string;
    const hook = await ctx.api.patch<WebhookJson>(appPath(ctx.app(), `/webhooks/${encodeURIComponent(id)}`), body);
    if (ctx.bool('json')) return void ctx.printJson(hook);
    ctx.print(`Updated webhook ${hook.id}.`);
  },
};
