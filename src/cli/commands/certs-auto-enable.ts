import { appPath } from '../api-client.js';
import type { Command } from '../command.js';

export const certsAutoEnable: Command = {
  name: 'certs:auto:enable',
  summary: 'turn automatic certificates (ACME) on for the app: its hostname and every custom domain',
  usage: 'certs:auto:enable [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth certs:auto:enable', 'berth certs:auto:enable -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.post(appPath(app, '/acm'), {});
    ctx.print(`Enabling Automatic Certificate Management for ${app}... done`);
    ctx.note('See the status of each hostname with berth certs:auto.');
  },
};
