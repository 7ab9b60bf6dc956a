import { ApiClient } from '../api-client.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { normalizeApiUrl } from '../credentials.js';
import { firstLine, prompt, readStdin } from '../prompt.js';
import type { TeamInvitationJson, TeamMemberJson } from '../team-types.js';

export const teamsJoin: Command = {
  name: 'teams:join',
  summary: 'join a team with an invitation link; creates your account when you have none',
  usage: 'teams:join LINK [--password-stdin]',
  args: [{ name: 'LINK', required: true, description: 'the invitation link members:add printed' }],
  flags: { 'password-stdin': { type: 'boolean', description: 'a new account: read its password from the first line of stdin' } },
  examples: ['berth teams:join https://berth.example.com:5443/teams/invitations/TOKEN', 'echo "$PASSWORD" | berth teams:join LINK --password-stdin'],
  async run(ctx) {
    const link = ctx.args[0] as string;
    const match = /^(https?:\/\/.+)\/teams\/invitations\/([A-Za-z0-9_-]+)\/?$/.exec(link);
    if (!match) throw new UsageError(`${link} is not an invitation link (…/teams/invitations/TOKEN).`);
    // The invitation token is the credential; these routes ignore the Authorization header.
    const api = new ApiClient(normalizeApiUrl(match[1] as string), 'invitation-link');
    const path = `/teams/invitations/${match[2] as string}`;
    const invitation = await api.get<TeamInvitationJson>(path);
    let body: Record<string, string> = {};
    if (ctx.bool('password-stdin')) body = { password: firstLine(await readStdin(ctx.io)) };
    else if (ctx.io.stdin.isTTY === true) {
      const password = await prompt(ctx.io, `Password for ${invitation.user.email} (a new account; empty if you have one): `, { echo: false });
      if (password !== '') body = { password };
    }
    const member = await api.post<TeamMemberJson>(`${path}/accept`, body);
    ctx.print(`Joining ${invitation.team.name} as ${member.role}... done`);
    if (body.password !== undefined) ctx.note(`Log in with \`berth login --email ${member.email} --api-url ${match[1] as string}\`.`);
  },
};
