import type { Command } from '../command.js';
import { replaceBuildpacks } from '../buildpack-installations.js';

export const buildpacksClear: Command = {
  name: 'buildpacks:clear',
  summary: 'remove every buildpack: the next build detects them',
  usage: 'buildpacks:clear [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth buildpacks:clear', 'berth buildpacks:clear -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await replaceBuildpacks(ctx.api, app, []);
    ctx.print(`Buildpacks cleared. Next release on ${app} will detect buildpacks normally.`);
  },
};
