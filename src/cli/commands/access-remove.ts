import { appPath } from '../api-client.js';
import type { Command } from '../command.js';
import type { CollaboratorJson } from '../collaborator-types.js';

export const accessRemove: Command = {
  name: 'access:remove',
  summary: 'remove a collaborator from an app (a collaborator may remove themselves)',
  usage: 'access:remove EMAIL [-a APP]',
  args: [{ name: 'EMAIL', required: true, description: "the collaborator's account email" }],
  flags: {},
  needsApp: true,
  examples: ['berth access:remove teammate@example.com', 'berth access:remove me@example.com -a their-app'],
  async run(ctx) {
    const app = ctx.app();
    const removed = await ctx.api.delete<CollaboratorJson>(appPath(app, `/collaborators/${encodeURIComponent(ctx.args[0] as string)}`));
    ctx.print(`Removing ${removed.user.email} access from the app ${app}... done`);
  },
};
