import { appPath } from '../api-client.js';
import { jsonFlag, type Command } from '../command.js';
import type { CollaboratorJson } from '../collaborator-types.js';
import { formatTable } from '../format.js';

export const access: Command = {
  name: 'access',
  summary: 'list who can work on an app: its owner and collaborators, with their permissions',
  usage: 'access [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth access', 'berth access --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await ctx.api.list<CollaboratorJson>(appPath(app, '/collaborators'));
    if (ctx.bool('json')) return void ctx.printJson(list);
    const rows = [...list]
      .sort((a, b) => a.user.email.localeCompare(b.user.email))
      .map((c) => [c.user.email, c.role, c.permissions.map((p) => p.name).join(', ')]);
    ctx.print(ctx.colours.out.bold(`=== ${app} Access`));
    for (const line of formatTable([['Email', 'Role', 'Permissions'], ...rows])) ctx.print(line);
  },
};
