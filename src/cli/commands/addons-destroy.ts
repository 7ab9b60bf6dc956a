import { optionalApp, resolveAddon } from '../addon-lookup.js';
import type { AddonJson } from '../addon-types.js';
import { CliError } from '../cli-error.js';
import { appFlag, type Command } from '../command.js';

export const addonsDestroy: Command = {
  name: 'addons:destroy',
  aliases: ['addons:remove'],
  summary: "permanently destroy an add-on and its data (detaching it everywhere)",
  description: "Needs --confirm with the add-on's own app. An add-on also attached to other apps is refused until it is detached there, or --force is given.",
  usage: 'addons:destroy ADDON --confirm APP [--force] [-a APP]',
  args: [{ name: 'ADDON', required: true, description: 'add-on name or id, or an attachment on the app (DATABASE)' }],
  flags: {
    app: appFlag,
    confirm: { type: 'string', value: 'APP', description: "the add-on's app name, to confirm" },
    force: { type: 'boolean', short: 'f', description: 'destroy it even when other apps have it attached' },
  },
  examples: ['berth addons:destroy postgresql-curved-12345 --confirm my-app', 'berth addons:destroy DATABASE -a my-app --confirm my-app --force'],
  async run(ctx) {
    const addon = await resolveAddon(ctx, ctx.args[0] as string, await optionalApp(ctx));
    const owner = addon.app.name;
    const confirm = ctx.string('confirm');
    if (confirm !== owner) {
      const why = confirm === undefined ? '' : ` (--confirm ${confirm} does not match)`;
      throw new CliError(`This permanently destroys ${addon.name} on ${owner} and its data${why}.`, { hint: `To proceed, run: berth addons:destroy ${addon.name} --confirm ${owner}` });
    }
    const body = ctx.bool('force') ? { force: true } : { force: false };
    const destroyed = (await ctx.api.request<AddonJson>('DELETE', `/apps/${addon.app.id}/addons/${addon.id}`, { body })).body;
    ctx.print(`Destroying ${addon.name} on ${owner}... done${destroyed.state === 'deprovisioned' ? '' : ` (${destroyed.state})`}`);
  },
};
