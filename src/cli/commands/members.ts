import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { TeamInvitationJson, TeamMemberJson } from '../team-types.js';

export const members: Command = {
  name: 'members',
  summary: "a team's members and their roles (admins also see pending invitations)",
  usage: 'members -t TEAM [--json]',
  flags: { team: { type: 'string', short: 't', value: 'TEAM', description: 'the team' }, json: jsonFlag },
  examples: ['berth members -t acme'],
  async run(ctx) {
    const team = ctx.string('team');
    if (!team) throw new UsageError('Name the team: berth members -t TEAM');
    const list = await ctx.api.list<TeamMemberJson>(`/teams/${encodeURIComponent(team)}/members`);
    // Only admins may list invitations; members simply see none.
    const invited = await ctx.api.list<TeamInvitationJson>(`/teams/${encodeURIComponent(team)}/invitations`).catch(() => [] as TeamInvitationJson[]);
    if (ctx.bool('json')) return void ctx.printJson(list);
    const rows = [...list.map((m) => [m.email, m.role, '']), ...invited.map((i) => [i.user.email, i.role, 'pending'])].sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
    for (const line of formatTable([['Email', 'Role', 'Status'], ...rows])) ctx.print(line.trimEnd());
  },
};
