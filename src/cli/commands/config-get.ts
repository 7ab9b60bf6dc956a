import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { quoteValue } from '../dotenv.js';

export const configGet: Command = {
  name: 'config:get',
  summary: 'print the value of one config var (an empty line when it is not set)',
  usage: 'config:get KEY [-a APP] [--shell | --json]',
  args: [{ name: 'KEY', required: true, description: 'the config var name' }],
  flags: {
    shell: { type: 'boolean', short: 's', description: 'print KEY=value, quoted' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth config:get DATABASE_URL', 'berth config:get PORT --shell -a my-app'],
  async run(ctx) {
    const key = ctx.args[0] as string;
    const vars = await ctx.api.get<ConfigVarsJson>(appPath(ctx.app(), '/config-vars'));
    const value = Object.hasOwn(vars, key) ? (vars[key] as string) : undefined;
    if (ctx.bool('json')) return void ctx.printJson({ key, value: value ?? null });
    if (ctx.bool('shell')) return void ctx.print(`${key}=${quoteValue(value ?? '')}`);
    ctx.print(value ?? '');
  },
};
