import { appPath } from '../api-client.js';
import type { LogDrainJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';

export const drains: Command = {
  name: 'drains',
  summary: "list an app's log drains",
  usage: 'drains [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth drains', 'berth drains --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.get<LogDrainJson[]>(appPath(app, '/log-drains'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no drains. Add one with \`berth drains:add URL\`.`);
    ctx.print(ctx.colours.out.bold('=== Drains'));
    for (const drain of list) ctx.print(`${drain.url} (${ctx.colours.out.green(drain.token)})`);
  },
};
