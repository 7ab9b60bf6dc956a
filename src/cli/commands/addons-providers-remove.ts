import type { AddonProviderJson } from '../addon-provider-json.js';
import type { Command } from '../command.js';

export const addonsProvidersRemove: Command = {
  name: 'addons:providers:remove',
  summary: 'remove a third-party add-on provider that has no add-ons left (admin)',
  usage: 'addons:providers:remove SERVICE',
  args: [{ name: 'SERVICE', required: true, description: 'the provider’s id, as `berth addons:providers` lists it' }],
  flags: {},
  examples: ['berth addons:providers:remove acme-kv'],
  async run(ctx) {
    const provider = await ctx.api.delete<AddonProviderJson>(`/addon-providers/${encodeURIComponent(ctx.args[0] as string)}`);
    ctx.print(`Removing add-on provider ${provider.id}... done`);
  },
};
