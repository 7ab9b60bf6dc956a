import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import type { CollaboratorJson } from '../collaborator-types.js';

export const accessUpdate: Command = {
  name: 'access:update',
  summary: "change a team member's permissions on a team app (view is always kept)",
  usage: 'access:update EMAIL -p deploy,operate [-a APP]',
  args: [{ name: 'EMAIL', required: true, description: "the member's email" }],
  flags: { permissions: { type: 'string', short: 'p', value: 'LIST', description: 'comma-separated permissions: view, deploy, operate, manage' } },
  needsApp: true,
  examples: ['berth access:update dev@example.com -p deploy,operate -a team-app'],
  async run(ctx) {
    const app = ctx.app();
    const permissions = ctx.string('permissions');
    if (!permissions) throw new UsageError('Name the permissions: berth access:update EMAIL -p deploy,operate');
    const email = ctx.args[0] as string;
    const updated = await ctx.api.patch<CollaboratorJson>(`/teams/apps/${encodeURIComponent(app)}/collaborators/${encodeURIComponent(email)}`, { permissions: permissions.split(',').map((p) => p.trim()) });
    ctx.print(`Updating ${updated.user.email} in ${app} with ${updated.permissions.map((p) => p.name).join(', ')} permissions... done`);
  },
};
