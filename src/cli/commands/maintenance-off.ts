import { appPath } from '../api-client.js';
import type { Command } from '../command.js';

export const maintenanceOff: Command = {
  name: 'maintenance:off',
  summary: 'turn maintenance mode off',
  usage: 'maintenance:off [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth maintenance:off', 'berth maintenance:off -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.patch(appPath(app), { maintenance: false });
    ctx.print(`Disabling maintenance mode for ${app}... done`);
  },
};
