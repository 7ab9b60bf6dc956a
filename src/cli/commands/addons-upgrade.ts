import { appPath } from '../api-client.js';
import { optionalApp, resolveAddon } from '../addon-lookup.js';
import { formatPrice, type AddonJson } from '../addon-types.js';
import { appFlag, jsonFlag, type Command } from '../command.js';

export const addonsUpgrade: Command = {
  name: 'addons:upgrade',
  aliases: ['addons:downgrade'],
  summary: "change an add-on's plan (a release on every app it is attached to)",
  usage: 'addons:upgrade ADDON PLAN [-a APP] [--json]',
  args: [
    { name: 'ADDON', required: true, description: 'add-on name or id, or an attachment on the app (DATABASE)' },
    { name: 'PLAN', required: true, description: 'a plan of the same service: standard-0 or heroku-postgresql:standard-0' },
  ],
  flags: { app: appFlag, json: jsonFlag },
  examples: ['berth addons:upgrade DATABASE standard-0', 'berth addons:upgrade redis-solid-12345 heroku-redis:premium-0'],
  async run(ctx) {
    const addon = await resolveAddon(ctx, ctx.args[0] as string, await optionalApp(ctx));
    const plan = ctx.args[1] as string;
    const target = plan.includes(':') ? plan : `${addon.addon_service.name}:${plan}`;
    const changed = (await ctx.api.request<AddonJson>('PATCH', appPath(addon.app.name, `/addons/${addon.id}`), { body: { plan: { name: target } }, headers: { 'Accept-Expansion': 'plan' } })).body;
    if (ctx.bool('json')) return void ctx.printJson(changed);
    const price = formatPrice(changed.plan.price);
    ctx.print(`Changing ${addon.name} on ${addon.app.name} from ${addon.plan.name} to ${changed.plan.name}... done${price ? `, ${price}` : ''}`);
    if (changed.provision_message) ctx.print(changed.provision_message);
  },
};
