/** Domain records as the store hands them out. Timestamps are ISO-8601 strings in UTC. */
import { DEFAULT_STACK } from './stacks.js';

export interface Account {
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
  /** `scrypt$N$r$p$salt$hash`, or null for an account that can only use API keys. */
  passwordHash: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An OAuth authorization: one API key. Only the SHA-256 of the token is ever stored. */
export interface Authorization {
  id: string;
  accountId: string;
  description: string;
  tokenHash: string;
  scope: string[];
  expiresAt: string | null;
  /** Minted by a login (email + password) rather than made for a script: a login session. */
  session: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface App {
  id: string;
  name: string;
  ownerId: string;
  region: string;
  stack: string;
  buildStack: string;
  /** The team owning the app (its admins hold every permission); null for a personal app. */
  teamId: string | null;
  maintenance: boolean;
  releasedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  /** The value of the range field of the last item, when more items follow. */
  nextAfter?: string;
}

/** The single region and the default stack (core/stacks.ts) of a one-host install. */
export const REGION = { id: '59accabd-516d-4f0e-83e6-6e3757701145', name: 'local' } as const;
export const STACK = { id: DEFAULT_STACK.id, name: DEFAULT_STACK.name } as const;
