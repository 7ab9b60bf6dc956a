import { appPath } from '../api-client.js';
import { optionalApp } from '../addon-lookup.js';
import { formatAddonState, formatPrice, type AddonJson, type AttachmentJson } from '../addon-types.js';
import { appFlag, jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

const EXPAND = { 'Accept-Expansion': 'addon_service,plan' };

export const addons: Command = {
  name: 'addons',
  summary: "list an app's add-ons with their plans, states and attachments (or every add-on you can see)",
  usage: 'addons [-a APP | --all] [--json]',
  flags: { app: appFlag, all: { type: 'boolean', description: 'list the add-ons of every app you can see' }, json: jsonFlag },
  examples: ['berth addons', 'berth addons -a my-app --json', 'berth addons --all'],
  async run(ctx) {
    const app = ctx.bool('all') ? undefined : await optionalApp(ctx);
    const path = app === undefined ? '/addons' : appPath(app, '/addons');
    const list = (await ctx.api.request<AddonJson[]>('GET', path, { headers: EXPAND })).body;
    const attachments = app === undefined ? [] : await ctx.api.list<AttachmentJson>(appPath(app, '/addon-attachments'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(app === undefined ? 'No add-ons.' : `No add-ons for app ${app}.`);
    const rows = list.map((addon) => {
      const as = attachments.filter((a) => a.addon.id === addon.id).map((a) => a.name);
      const owner = app !== undefined && addon.app.name !== app ? ` (from ${addon.app.name})` : '';
      const state = addon.state === 'failed' ? `failed: ${addon.berth_state_message ?? ''}` : formatAddonState(addon.state);
      return [`${addon.name}${owner}`, addon.plan.name, formatPrice(addon.plan.price), as.length > 0 ? as.join(', ') : app === undefined ? addon.app.name : '', state];
    });
    const header = ['Add-on', 'Plan', 'Price', app === undefined ? 'Owning app' : 'As', 'State'];
    for (const line of formatTable([header, ...rows])) ctx.print(line);
  },
};
