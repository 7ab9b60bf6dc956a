import { formatPartnerPrice, type AddonProviderJson } from '../addon-provider-json.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

export const addonsProviders: Command = {
  name: 'addons:providers',
  summary: 'list the third-party add-on providers registered on this Berth (admin)',
  usage: 'addons:providers [--json]',
  flags: { json: jsonFlag },
  examples: ['berth addons:providers', 'berth addons:providers --json'],
  async run(ctx) {
    const list = await ctx.api.get<AddonProviderJson[]>('/addon-providers');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note('No add-on providers are registered. Register one with `berth addons:providers:add addon-manifest.json`.');
    const rows = list.map((p) => [p.id, p.name, p.api.config_vars.join(', '), p.plans.map((plan) => `${plan.name.slice(p.id.length + 1)} (${formatPartnerPrice(plan.price)})`).join(', '), p.api.production.base_url]);
    for (const line of formatTable([['Service', 'Name', 'Config Vars', 'Plans', 'Base URL'], ...rows])) ctx.print(line);
  },
};
