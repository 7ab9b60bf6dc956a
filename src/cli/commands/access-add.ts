import { appPath } from '../api-client.js';
import type { Command } from '../command.js';
import type { CollaboratorJson } from '../collaborator-types.js';

export const accessAdd: Command = {
  name: 'access:add',
  summary: 'let another account work on an app (deploy, scale, restart, run, logs, config, domains, drains)',
  description:
    'A collaborator on a personal app gets the view, deploy and operate permissions: everything but deleting, renaming or transferring the app and managing its collaborators, which stay with the owner. On a team app, --permissions chooses (view is always included). The account must exist (an admin creates it with `berth accounts:create`).',
  usage: 'access:add EMAIL [-a APP] [--permissions deploy,operate]',
  args: [{ name: 'EMAIL', required: true, description: "the collaborator's account email" }],
  flags: { permissions: { type: 'string', short: 'p', value: 'LIST', description: 'team apps: comma-separated permissions (view, deploy, operate, manage)' } },
  needsApp: true,
  examples: ['berth access:add teammate@example.com', 'berth access:add ops@example.com -a team-app --permissions deploy,operate'],
  async run(ctx) {
    const app = ctx.app();
    const email = ctx.args[0] as string;
    const permissions = ctx.string('permissions');
    const body = { user: email, ...(permissions !== undefined ? { permissions: permissions.split(',').map((p) => p.trim()) } : {}) };
    const added = await ctx.api.post<CollaboratorJson>(appPath(app, '/collaborators'), body);
    ctx.print(`Adding ${added.user.email} access to the app ${app} with ${added.permissions.map((p) => p.name).join(', ')} permissions... done`);
  },
};
