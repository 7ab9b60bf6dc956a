import { appPath } from '../api-client.js';
import type { BuildJson } from '../api-types.js';
import type { Command } from '../command.js';
import { findBuild } from '../build-lookup.js';

export const buildsCancel: Command = {
  name: 'builds:cancel',
  summary: 'cancel a pending build (default: the newest)',
  usage: 'builds:cancel [ID] [-a APP]',
  args: [{ name: 'ID', required: false, description: 'build id; the newest build when left out' }],
  flags: {},
  needsApp: true,
  examples: ['berth builds:cancel', 'berth builds:cancel 01234567-89ab-cdef-0123-456789abcdef -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const build = await findBuild(ctx.api, app, ctx.args[0]);
    const cancelled = await ctx.api.delete<BuildJson>(appPath(app, `/builds/${encodeURIComponent(build.id)}`));
    ctx.print(`Cancelling build ${cancelled.id} on ${app}... done, ${cancelled.status}`);
  },
};
