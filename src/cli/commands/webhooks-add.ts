import { appPath } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { webhookBody, webhookFlags, type WebhookJson } from '../webhook-types.js';

export const webhooksAdd: Command = {
  name: 'webhooks:add',
  summary: 'notify a URL of what happens to an app (releases, builds, dynos, scaling, add-ons)',
  description:
    'Every notification is a POST of Heroku\'s JSON payload, signed in the Heroku-Webhook-Hmac-SHA256 header (base64 HMAC-SHA256 of the body with the secret). The URL must be http(s) and reachable from Berth: private and loopback addresses are refused unless the admin allows them (bin/berth up --allow-private-urls).',
  usage: 'webhooks:add -u URL -i ENTITIES -l notify|sync [-s SECRET] [-t AUTHORIZATION] [-a APP] [--json]',
  flags: { ...webhookFlags, json: jsonFlag },
  needsApp: true,
  examples: ['berth webhooks:add -u https://ci.example.com/hooks -i api:release,api:build -l sync', 'berth webhooks:add -u https://example.com/hooks -i dyno -l notify -t "Bearer 1234"'],
  async run(ctx) {
    const body = webhookBody((flag) => ctx.string(flag));
    for (const flag of ['url', 'include', 'level']) {
      if (body[flag] === undefined) throw new CliError(`webhooks:add needs --${flag}.`, { hint: 'berth webhooks:add -u https://example.com/hooks -i api:release -l notify' });
    }
    const app = ctx.app();
    const res = await ctx.api.request<WebhookJson>('POST', appPath(app, '/webhooks'), { body });
    if (ctx.bool('json')) return void ctx.printJson(res.body);
    ctx.note(`Added webhook ${res.body.id} to ${app}.`);
    const secret = res.headers.get('heroku-webhook-secret');
    if (secret) {
      ctx.print(ctx.colours.out.bold('=== Webhooks Signing Secret'));
      ctx.print(secret);
    }
  },
};
