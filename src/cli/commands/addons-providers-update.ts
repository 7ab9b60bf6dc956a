import { formatPartnerPrice, type AddonProviderJson } from '../addon-provider-json.js';
import { jsonFlag, type Command } from '../command.js';
import { readManifest } from '../read-manifest.js';

export const addonsProvidersUpdate: Command = {
  name: 'addons:providers:update',
  summary: 'replace a registered provider’s manifest: new password, base URL, config vars or plans (admin)',
  description: 'The id stays; plans that add-ons still use cannot be dropped. Heroku’s equivalent is `addons:admin:manifest:push`.',
  usage: 'addons:providers:update MANIFEST [--json]',
  args: [{ name: 'MANIFEST', required: true, description: 'path to the manifest JSON file' }],
  flags: { json: jsonFlag },
  examples: ['berth addons:providers:update addon-manifest.json'],
  async run(ctx) {
    const manifest = await readManifest(ctx.io.cwd, ctx.args[0] as string);
    const id = typeof manifest === 'object' && manifest !== null && typeof (manifest as { id?: unknown }).id === 'string' ? (manifest as { id: string }).id : '';
    const provider = await ctx.api.put<AddonProviderJson>(`/addon-providers/${encodeURIComponent(id)}`, manifest);
    if (ctx.bool('json')) return void ctx.printJson(provider);
    ctx.print(`Updating add-on provider ${provider.id} (${provider.name})... done`);
    ctx.print(`Plans: ${provider.plans.map((p) => `${p.name} (${formatPartnerPrice(p.price)})`).join(', ')}`);
  },
};
