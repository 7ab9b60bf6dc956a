import type { Command } from '../command.js';
import { setBuildpack } from '../buildpack-list.js';
import { indexFlag, installedBuildpacks, printUpdate, readIndex, replaceBuildpacks } from '../buildpack-installations.js';

export const buildpacksSet: Command = {
  name: 'buildpacks:set',
  summary: 'set the buildpack (replacing the first one, or the one at --index)',
  usage: 'buildpacks:set BUILDPACK [-i N] [-a APP]',
  args: [{ name: 'BUILDPACK', required: true, description: 'a built-in name (nodejs), a name like heroku/nodejs, or a git URL' }],
  flags: { index: indexFlag },
  needsApp: true,
  examples: ['berth buildpacks:set nodejs', 'berth buildpacks:set https://github.com/heroku/heroku-buildpack-python.git -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const next = setBuildpack(await installedBuildpacks(ctx.api, app), ctx.args[0] as string, readIndex(ctx.string('index')));
    printUpdate(ctx, app, await replaceBuildpacks(ctx.api, app, next), 'set');
  },
};
