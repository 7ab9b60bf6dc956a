/**
 * Records of sharing as the store hands them out: collaborators, app transfers, teams, their
 * members and invitations. Timestamps are ISO-8601 strings in UTC.
 */
import type { AppPermission, TeamRole } from '../core/access-policy.js';

export type { TeamRole };

/** An account working on someone else's app (or a team app) with these permissions. */
export interface Collaborator {
  id: string;
  appId: string;
  accountId: string;
  permissions: AppPermission[];
  createdAt: string;
  updatedAt: string;
}

export type AppTransferState = 'pending' | 'accepted' | 'declined';

/** An app's owner offering it to another account, until the recipient accepts or declines. */
export interface AppTransfer {
  id: string;
  appId: string;
  ownerId: string;
  recipientId: string;
  state: AppTransferState;
  createdAt: string;
  updatedAt: string;
}

export interface Team {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface TeamMember {
  teamId: string;
  accountId: string;
  role: TeamRole;
  createdAt: string;
  updatedAt: string;
}

/** An invitation to join a team, redeemed with its token (only the SHA-256 is stored). */
export interface TeamInvitation {
  id: string;
  teamId: string;
  email: string;
  role: TeamRole;
  tokenHash: string;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}
