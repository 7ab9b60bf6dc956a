import { UsageError } from '../cli-error.js';
import { ApiError } from '../api-client.js';
import type { Command } from '../command.js';
import type { TeamInvitationJson, TeamMemberJson } from '../team-types.js';

export const membersAdd: Command = {
  name: 'members:add',
  summary: 'add an account to a team, or invite an email that has no account yet (prints the invitation link)',
  description: 'Berth sends no mail: give the printed link to the invitee, who joins with `berth teams:join LINK` (and chooses a password then).',
  usage: 'members:add EMAIL -t TEAM [--role admin|member]',
  args: [{ name: 'EMAIL', required: true, description: "the member's email" }],
  flags: {
    team: { type: 'string', short: 't', value: 'TEAM', description: 'the team' },
    role: { type: 'string', short: 'r', value: 'ROLE', description: 'admin or member (default member)' },
  },
  examples: ['berth members:add dev@example.com -t acme', 'berth members:add lead@example.com -t acme --role admin'],
  async run(ctx) {
    const team = ctx.string('team');
    if (!team) throw new UsageError('Name the team: berth members:add EMAIL -t TEAM');
    const email = ctx.args[0] as string;
    const role = ctx.string('role') ?? 'member';
    const path = `/teams/${encodeURIComponent(team)}`;
    try {
      const member = await ctx.api.put<TeamMemberJson>(`${path}/members`, { email, role });
      ctx.print(`Adding ${member.email} to ${team} as ${member.role}... done`);
    } catch (err) {
      if (!(err instanceof ApiError && err.id === 'not_found' && /find that user/.test(err.message))) throw err;
      const invitation = await ctx.api.put<TeamInvitationJson>(`${path}/invitations`, { email, role });
      ctx.print(`Inviting ${email} to ${team} as ${invitation.role}... done`);
      ctx.print(`Invitation link (valid 7 days; Berth sends no mail): ${invitation.berth_accept_url ?? ''}`);
      ctx.note(`${email} joins with \`berth teams:join ${invitation.berth_accept_url ?? 'LINK'}\`.`);
    }
  },
};
