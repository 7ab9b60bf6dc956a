import { appPath } from '../api-client.js';
import { parseAddonOptions } from '../addon-options.js';
import { formatPrice, type AddonJson } from '../addon-types.js';
import { jsonFlag, type Command } from '../command.js';

export const addonsCreate: Command = {
  name: 'addons:create',
  summary: 'create an add-on and attach it to the app (sets its config vars, makes a release)',
  description:
    'SERVICE:PLAN is a Heroku name (heroku-postgresql:essential-0, heroku-redis:mini) or a short one (postgresql, redis); without a plan the default plan is used. The first Postgres add-on becomes DATABASE_URL, later ones HEROKU_POSTGRESQL_<COLOR>_URL; Redis is REDIS_URL; --as NAME makes it NAME_URL. Options after `--` go to the provider.',
  usage: 'addons:create SERVICE[:PLAN] [--as NAME] [--name ADDON] [-a APP] [--json] [-- --key value ...]',
  args: [
    { name: 'SERVICE:PLAN', required: true, description: 'e.g. heroku-postgresql:essential-0, redis' },
    { name: 'OPTIONS', required: false, variadic: true, description: 'after `--`: provider options, --key value' },
  ],
  flags: {
    as: { type: 'string', value: 'NAME', description: 'attachment name: the config var becomes NAME_URL' },
    name: { type: 'string', value: 'ADDON', description: 'name the add-on (default: e.g. postgresql-curved-12345)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth addons:create heroku-postgresql:essential-0', 'berth addons:create redis --as CACHE', 'berth addons:create heroku-redis:premium-0 -- --maxmemory-policy allkeys-lru'],
  async run(ctx) {
    const app = ctx.app();
    const [plan, ...rest] = ctx.args as [string, ...string[]];
    const options = parseAddonOptions(rest);
    const as = ctx.string('as');
    const name = ctx.string('name');
    const body = { plan: { name: plan }, attachment: { name: as ?? null }, config: options, ...(name !== undefined ? { name } : {}) };
    const addon = (await ctx.api.request<AddonJson>('POST', appPath(app, '/addons'), { body, headers: { 'Accept-Expansion': 'plan' } })).body;
    if (ctx.bool('json')) return void ctx.printJson(addon);
    const price = formatPrice(addon.plan.price);
    ctx.print(`Creating ${addon.plan.name} on ${app}... done${price ? `, ${price}` : ''}`);
    if (addon.provision_message) ctx.print(addon.provision_message);
    if (addon.state === 'provisioning') return void ctx.print(`${addon.name} is being created in the background; the app restarts when it is ready. Check with \`berth addons:info ${addon.name}\`.`);
    ctx.print(addon.config_vars.length > 0 ? `Created ${addon.name} as ${addon.config_vars.join(', ')}` : `Created ${addon.name}`);
  },
};
