import { appPath } from '../api-client.js';
import type { Command } from '../command.js';

export const certsAutoDisable: Command = {
  name: 'certs:auto:disable',
  summary: "turn automatic certificates off for the app (its hostnames fall back to Berth's own certificate)",
  usage: 'certs:auto:disable [-a APP]',
  flags: {},
  needsApp: true,
  examples: ['berth certs:auto:disable', 'berth certs:auto:disable -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    await ctx.api.delete(appPath(app, '/acm'));
    ctx.print(`Disabling Automatic Certificate Management for ${app}... done`);
  },
};
