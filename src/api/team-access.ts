/** Team lookups the API shares: a member's role, a team by id or name that the caller belongs to. */
import type { Team, TeamRole } from '../store/port.js';
import type { RequestContext } from './context.js';

/** The account's role in the team, or undefined when it is not a member. */
export async function teamRoleOf(ctx: Pick<RequestContext, 'deps'>, teamId: string, accountId: string): Promise<TeamRole | undefined> {
  return (await ctx.deps.store.teams.member(teamId, accountId))?.role;
}

/** The team named by the route's `:team`, which the server resolved and authorized before the handler. */
export function routeTeam(ctx: Pick<RequestContext, 'access'>): Team {
  const team = ctx.access.team;
  if (!team) throw new Error('routeTeam called on a route whose rule does not resolve :team');
  return team;
}
