import type { Command } from '../command.js';
import { removeBuildpack } from '../buildpack-list.js';
import { indexFlag, installedBuildpacks, printUpdate, readIndex, replaceBuildpacks } from '../buildpack-installations.js';

export const buildpacksRemove: Command = {
  name: 'buildpacks:remove',
  summary: 'remove a buildpack, by URL or --index',
  usage: 'buildpacks:remove [BUILDPACK | -i N] [-a APP]',
  args: [{ name: 'BUILDPACK', required: false, description: 'the buildpack to remove, as `berth buildpacks` lists it' }],
  flags: { index: indexFlag },
  needsApp: true,
  examples: ['berth buildpacks:remove nodejs', 'berth buildpacks:remove --index 2 -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [url] = ctx.args;
    const index = readIndex(ctx.string('index'));
    const next = removeBuildpack(await installedBuildpacks(ctx.api, app), { ...(url === undefined ? {} : { url }), ...(index === undefined ? {} : { index }) });
    printUpdate(ctx, app, await replaceBuildpacks(ctx.api, app, next), 'removed');
  },
};
