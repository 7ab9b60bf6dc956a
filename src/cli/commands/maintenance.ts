import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';

export const maintenance: Command = {
  name: 'maintenance',
  summary: 'show whether maintenance mode is on',
  usage: 'maintenance [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth maintenance', 'berth maintenance --json -a my-app'],
  async run(ctx) {
    const app = await ctx.api.get<AppJson>(appPath(ctx.app()));
    if (ctx.bool('json')) return void ctx.printJson({ app: app.name, maintenance: app.maintenance });
    ctx.print(app.maintenance ? 'on' : 'off');
  },
};
