import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { TeamJson } from '../team-types.js';

export const teams: Command = {
  name: 'teams',
  summary: 'the teams you belong to, with your role in each',
  usage: 'teams [--json]',
  flags: { json: jsonFlag },
  examples: ['berth teams'],
  async run(ctx) {
    const list = await ctx.api.list<TeamJson>('/teams');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note('You belong to no team. Create one with `berth teams:create NAME`.');
    const rows = [...list].sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, t.role ?? '']);
    for (const line of formatTable([['Team', 'Role'], ...rows])) ctx.print(line);
  },
};
