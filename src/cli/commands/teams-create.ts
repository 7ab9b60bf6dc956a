import type { Command } from '../command.js';
import type { TeamJson } from '../team-types.js';

export const teamsCreate: Command = {
  name: 'teams:create',
  summary: 'create a team; you are its first admin',
  usage: 'teams:create NAME',
  args: [{ name: 'NAME', required: true, description: 'team name (lowercase letters, digits, dashes)' }],
  flags: {},
  examples: ['berth teams:create acme'],
  async run(ctx) {
    const team = await ctx.api.post<TeamJson>('/teams', { name: ctx.args[0] });
    ctx.print(`Creating team ${team.name}... done`);
  },
};
