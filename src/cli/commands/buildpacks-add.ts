import type { Command } from '../command.js';
import { addBuildpack } from '../buildpack-list.js';
import { indexFlag, installedBuildpacks, printUpdate, readIndex, replaceBuildpacks } from '../buildpack-installations.js';

export const buildpacksAdd: Command = {
  name: 'buildpacks:add',
  summary: 'add a buildpack (last, or at --index)',
  usage: 'buildpacks:add BUILDPACK [-i N] [-a APP]',
  args: [{ name: 'BUILDPACK', required: true, description: 'a built-in name (nodejs), a name like heroku/nodejs, or a git URL' }],
  flags: { index: indexFlag },
  needsApp: true,
  examples: ['berth buildpacks:add nodejs', 'berth buildpacks:add --index 1 https://example.com/apt-buildpack.git -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const next = addBuildpack(await installedBuildpacks(ctx.api, app), ctx.args[0] as string, readIndex(ctx.string('index')));
    printUpdate(ctx, app, await replaceBuildpacks(ctx.api, app, next), 'added');
  },
};
