// Dashboard sessions as the store keeps them (the browser's `berth_session` cookie, hashed).

export interface DashboardSession {
  id: string;
  accountId: string;
  /** The API key the session was opened with (it ends with the key), or null for email + password. */
  authorizationId: string | null;
  /** SHA-256 (hex) of the cookie's secret; the secret itself is never stored. */
  tokenHash: string;
  createdAt: string;
  /** Slides the idle expiry; updated at most about once a minute. */
  lastUsedAt: string;
  /** The absolute expiry: no use extends it. */
  expiresAt: string;
}

/** `createdAt` (also the first `lastUsedAt`) comes from the caller's clock, like `expiresAt`. */
export type NewDashboardSession = Pick<DashboardSession, 'accountId' | 'authorizationId' | 'tokenHash' | 'createdAt' | 'expiresAt'>;

export interface DashboardSessionRepository {
  create(input: NewDashboardSession): Promise<DashboardSession>;
  findByTokenHash(tokenHash: string): Promise<DashboardSession | undefined>;
  /** Records a use at `at` (ISO time). */
  touch(id: string, at: string): Promise<void>;
  /** True when a session was deleted. */
  delete(id: string): Promise<boolean>;
  /** Ends every session of the account but `exceptId` (a password change); resolves with how many. */
  deleteForAccount(accountId: string, exceptId?: string): Promise<number>;
  /** Ends the sessions opened with an API key (its token was regenerated); resolves with how many. */
  deleteForAuthorization(authorizationId: string): Promise<number>;
  /** Deletes sessions past their absolute expiry (`expiresAt <= now`) or unused since `idleBefore`. */
  deleteExpired(now: string, idleBefore: string): Promise<number>;
}
