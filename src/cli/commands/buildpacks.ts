import { jsonFlag, type Command } from '../command.js';
import { buildpackLines, installedBuildpacks } from '../buildpack-installations.js';
import { appPath } from '../api-client.js';

export const buildpacks: Command = {
  name: 'buildpacks',
  summary: "list the buildpacks set on an app (none: each build detects them)",
  usage: 'buildpacks [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth buildpacks', 'berth buildpacks --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    if (ctx.bool('json')) return void ctx.printJson(await ctx.api.get(appPath(app, '/buildpack-installations')));
    const urls = await installedBuildpacks(ctx.api, app);
    if (urls.length === 0) return void ctx.print(`${app} has no buildpacks set: each build detects them.`);
    ctx.print(ctx.colours.out.bold(`=== ${app} Buildpack${urls.length === 1 ? '' : 's'}`));
    for (const line of buildpackLines(urls)) ctx.print(line);
  },
};
