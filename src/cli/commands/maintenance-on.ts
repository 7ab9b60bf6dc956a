import { appPath } from '../api-client.js';
import type { Command } from '../command.js';

export const maintenanceOn: Command = {
  name: 'maintenance:on',
  summary: 'turn maintenance mode on: web requests get a 503 maintenance page',
  usage: 'maintenance:on [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth maintenance:on', 'berth maintenance:on -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.patch(appPath(app), { maintenance: true });
    ctx.print(`Enabling maintenance mode for ${app}... done`);
  },
};
