import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatPartnerPrice, type AddonProviderJson } from '../addon-provider-json.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';

const MAX_MANIFEST_BYTES = 64 * 1024;

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
    const file = ctx.args[0] as string;
    const path = resolve(ctx.io.cwd, file);
    let manifest: unknown;
    try {
      if ((await stat(path)).size > MAX_MANIFEST_BYTES) throw new CliError(`${file} is larger than 64 KB; is it really an add-on manifest?`);
      manifest = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof SyntaxError) throw new CliError(`${file} is not valid JSON: ${err.message}.`);
      throw new CliError(`Cannot read the manifest ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
    }
    const provider = await ctx.api.post<AddonProviderJson>('/addon-providers', manifest);
    if (ctx.bool('json')) return void ctx.printJson(provider);
    ctx.print(`Registering add-on provider ${provider.id} (${provider.name})... done`);
    ctx.print(`Plans: ${provider.plans.map((p) => `${p.name} (${formatPartnerPrice(p.price)})`).join(', ')}`);
    ctx.note(`Create one with \`berth addons:create ${provider.plans[0]?.name ?? provider.id}\`.`);
  },
};
