import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';

export const appsInfo: Command = {
  name: 'apps:info',
  aliases: ['info'],
  summary: 'show an app: owner, region, stack, URLs',
  usage: 'apps:info [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth apps:info', 'berth apps:info -a my-app --json'],
  async run(ctx) {
    const app = await ctx.api.get<AppJson>(appPath(ctx.app()));
    if (ctx.bool('json')) return void ctx.printJson(app);
    ctx.print(ctx.colours.out.bold(`=== ${app.name}`));
    const pairs: [string, string][] = [
      ['Name', app.name],
      ['Owner', app.owner.email],
      ['Region', app.region.name],
      ['Stack', app.stack.name],
      ['Git URL', app.git_url],
      ['Web URL', app.web_url],
      ['Maintenance', app.maintenance ? 'on' : 'off'],
      ['Created', app.created_at],
    ];
    for (const line of formatKeyValues(pairs)) ctx.print(line);
  },
};
