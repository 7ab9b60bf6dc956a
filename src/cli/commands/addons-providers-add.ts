import { formatPartnerPrice, type AddonProviderJson } from '../addon-provider-json.js';
import { jsonFlag, type Command } from '../command.js';
import { readManifest } from '../read-manifest.js';

export const addonsProvidersAdd: Command = {
  name: 'addons:providers:add',
  summary: 'register a third-party add-on provider from its Heroku partner manifest (admin)',
  description:
    'MANIFEST is Heroku’s addon-manifest.json (id, name, api.config_vars, api.password, api.production.base_url, api.version "3") plus a ' +
    '"plans" array of {"name", "description", "price": {"cents", "unit"}}. Its service and plans join the catalog at once: ' +
    '`berth addons:create ID:PLAN` provisions through POST {base_url}/heroku/resources.',
  usage: 'addons:providers:add MANIFEST [--json]',
  args: [{ name: 'MANIFEST', required: true, description: 'path to the manifest JSON file' }],
  flags: { json: jsonFlag },
  examples: ['berth addons:providers:add addon-manifest.json'],
  async run(ctx) {
    const provider = await ctx.api.post<AddonProviderJson>('/addon-providers', await readManifest(ctx.io.cwd, ctx.args[0] as string));
    if (ctx.bool('json')) return void ctx.printJson(provider);
    ctx.print(`Registering add-on provider ${provider.id} (${provider.name})... done`);
    ctx.print(`Plans: ${provider.plans.map((p) => `${p.name} (${formatPartnerPrice(p.price)})`).join(', ')}`);
    ctx.note(`Create one with \`berth addons:create ${provider.plans[0]?.name ?? provider.id}\`.`);
  },
};
