/** Heroku's `team`, `team-member` and `team-invitation` shapes (spec/heroku-platform-api-schema.json). */
import type { Account } from '../core/model.js';
import type { Team, TeamInvitation, TeamMember, TeamRole } from '../store/port.js';

/** A team app's `owner`, as Heroku shows it (the official CLI recognises team apps by this domain). */
export const teamOwnerEmail = (team: Pick<Team, 'name'>): string => `${team.name}@herokumanager.com`;

export function serializeTeam(team: Team, role: TeamRole | null) {
  return {
    created_at: team.createdAt,
    credit_card_collections: false,
    default: false,
    enterprise_account: null,
    id: team.id,
    identity_provider: null,
    membership_limit: null,
    name: team.name,
    provisioned_licenses: false,
    role,
    type: 'team',
    updated_at: team.updatedAt,
  };
}

export function serializeMember(member: TeamMember, account: Pick<Account, 'id' | 'email' | 'name'>) {
  return {
    created_at: member.createdAt,
    email: account.email,
    federated: false,
    id: account.id,
    identity_provider: null,
    role: member.role,
    two_factor_authentication: false,
    updated_at: member.updatedAt,
    user: { email: account.email, id: account.id, name: account.name },
  };
}

/** `berth_accept_url`: the link the invitee opens (Berth sends no mail); only in the answer that creates the invitation. */
export function serializeInvitation(invitation: TeamInvitation, team: Team, invitedBy: Pick<Account, 'id' | 'email' | 'name'> | undefined, acceptUrl?: string) {
  return {
    created_at: invitation.createdAt,
    id: invitation.id,
    invited_by: invitedBy ? { email: invitedBy.email, id: invitedBy.id, name: invitedBy.name } : null,
    team: { id: team.id, name: team.name },
    role: invitation.role,
    updated_at: invitation.createdAt,
    user: { email: invitation.email, id: null, name: null },
    expires_at: invitation.expiresAt,
    ...(acceptUrl !== undefined ? { berth_accept_url: acceptUrl } : {}),
  };
}
