import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { quoteValue } from '../dotenv.js';
import { formatKeyValues } from '../format.js';

export const config: Command = {
  name: 'config',
  aliases: ['config:list'],
  summary: "show an app's config vars",
  usage: 'config [-a APP] [--shell | --json]',
  flags: {
    shell: { type: 'boolean', short: 's', description: 'print KEY=value lines (quoted for a shell or a .env file)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth config', 'berth config --shell > .env', 'berth config --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const vars = await ctx.api.get<ConfigVarsJson>(appPath(app, '/config-vars'));
    if (ctx.bool('json')) return void ctx.printJson(vars);
    const names = Object.keys(vars).sort();
    if (ctx.bool('shell')) {
      for (const name of names) ctx.print(`${name}=${quoteValue(vars[name] as string)}`);
      return;
    }
    const c = ctx.colours.out;
    ctx.print(c.bold(`=== ${app} Config Vars`));
    if (names.length === 0) return void ctx.note(`${app} has no config vars. Set some with \`berth config:set KEY=value\`.`);
    for (const line of formatKeyValues(names.map((n) => [c.green(n), vars[n] as string]))) ctx.print(line);
  },
};
