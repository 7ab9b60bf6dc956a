import { optionalApp, resolveAddon } from '../addon-lookup.js';
import { formatAddonState, formatPrice, type AttachmentJson } from '../addon-types.js';
import { appFlag, jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';

export const addonsInfo: Command = {
  name: 'addons:info',
  summary: 'show an add-on: plan, price, attachments, owning app, state',
  usage: 'addons:info ADDON [-a APP] [--json]',
  args: [{ name: 'ADDON', required: true, description: 'add-on name or id, or an attachment on the app (DATABASE, app::DATABASE)' }],
  flags: { app: appFlag, json: jsonFlag },
  examples: ['berth addons:info postgresql-curved-12345', 'berth addons:info DATABASE -a my-app'],
  async run(ctx) {
    const addon = await resolveAddon(ctx, ctx.args[0] as string, await optionalApp(ctx));
    const attachments = await ctx.api.list<AttachmentJson>(`/addons/${addon.id}/addon-attachments`);
    if (ctx.bool('json')) return void ctx.printJson({ ...addon, attachments });
    ctx.print(ctx.colours.out.bold(`=== ${addon.name}`));
    const pairs: Array<[string, string]> = [
      ['Plan', addon.plan.name],
      ['Price', formatPrice(addon.plan.price)],
      ['Attachments', attachments.map((a) => `${a.app.name}::${a.name}`).sort().join(', ')],
      ['Owning app', addon.app.name],
      ['Installed at', addon.created_at],
      ['State', formatAddonState(addon.state)],
    ];
    if (addon.state === 'failed') pairs.push(['Reason', addon.berth_state_message ?? '']);
    for (const line of formatKeyValues(pairs)) ctx.print(line);
  },
};
