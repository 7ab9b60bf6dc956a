import { appPath } from '../api-client.js';
import type { Command } from '../command.js';

export const certsAutoRefresh: Command = {
  name: 'certs:auto:refresh',
  summary: 'retry every hostname of the app that has no automatic certificate yet, now',
  usage: 'certs:auto:refresh [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth certs:auto:refresh'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.patch(appPath(app, '/acm'), { acm_refresh: true });
    ctx.print(`Refreshing automatic certificates for ${app}... done`);
  },
};
