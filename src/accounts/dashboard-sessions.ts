/**
 * The dashboard's browser sessions: a random secret in an HttpOnly cookie, stored only as its
 * SHA-256, with a sliding idle expiry and an absolute one. The CSRF token is derived from the
 * secret (a different hash of it), so it needs no column and only the cookie's holder can
 * compute it. A session opened with an API key ends with that key (revoked, expired, `berth
 * logout`): the row references the authorization and is checked at every use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account, Authorization } from '../core/model.js';
import type { DashboardSession, Store } from '../store/port.js';
import { hashApiKey } from './api-keys.js';

export interface SessionLimits {
  /** A session unused this long ends (each use slides it). */
  idleMs: number;
  /** A session ends this long after it was opened, however much it is used. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 2 * 3_600_000, absoluteMs: 24 * 3_600_000 };

/** Uses closer together than this don't rewrite `last_used_at` (one write a minute, not one a request). */
const TOUCH_EVERY_MS = 60_000;

/** A session found by its cookie: who it is and what the browser needs to know. */
export interface LiveSession {
  account: Account;
  /** The API key the session was opened with, if any. */
  authorization?: Authorization;
  session: DashboardSession;
  csrfToken: string;
  /** Seconds until the session ends if unused (never past its absolute expiry). */
  idleExpiresIn: number;
}

export class DashboardSessions {
  constructor(private readonly store: Store, private readonly now: () => Date, readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS) {}

  /** A new session for the account; resolves with the cookie's secret (shown once). */
  async open(account: Account, authorization?: Authorization): Promise<{ token: string; live: LiveSession }> {
    const now = this.now().getTime();
    await this.store.dashboardSessions.deleteExpired(new Date(now).toISOString(), new Date(now - this.limits.idleMs).toISOString());
    const token = `bs_${randomBytes(32).toString('base64url')}`;
    const session = await this.store.dashboardSessions.create({
      accountId: account.id,
      authorizationId: authorization?.id ?? null,
      tokenHash: hashApiKey(token),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.limits.absoluteMs).toISOString(),
    });
    return { token, live: this.live(account, authorization, session, token, now) };
  }

  /** The live session behind a cookie's secret (its use slides the idle expiry), or undefined. */
  async resolve(token: string): Promise<LiveSession | undefined> {
    const session = await this.store.dashboardSessions.findByTokenHash(hashApiKey(token));
    if (!session) return undefined;
    const now = this.now().getTime();
    const lastUsed = Date.parse(session.lastUsedAt);
    if (Date.parse(session.expiresAt) <= now || lastUsed + this.limits.idleMs <= now) {
      await this.store.dashboardSessions.delete(session.id);
      return undefined;
    }
    let authorization: Authorization | undefined;
    if (session.authorizationId !== null) {
      authorization = await this.store.authorizations.findById(session.authorizationId);
      if (!authorization || (authorization.expiresAt !== null && Date.parse(authorization.expiresAt) <= now)) {
        await this.store.dashboardSessions.delete(session.id);
        return undefined;
      }
    }
    const account = await this.store.accounts.findById(session.accountId);
    if (!account) return undefined;
    if (now - lastUsed >= TOUCH_EVERY_MS) {
      const at = new Date(now).toISOString();
      await this.store.dashboardSessions.touch(session.id, at);
      session.lastUsedAt = at;
    }
    return this.live(account, authorization, session, token, now);
  }

  private live(account: Account, authorization: Authorization | undefined, session: DashboardSession, token: string, now: number): LiveSession {
    const idleEnd = Math.min(Date.parse(session.lastUsedAt) + this.limits.idleMs, Date.parse(session.expiresAt));
    return { account, ...(authorization ? { authorization } : {}), session, csrfToken: csrfTokenFor(token), idleExpiresIn: Math.max(0, Math.floor((idleEnd - now) / 1000)) };
  }
}

/** The CSRF token of a session: a hash of its secret under another label (not the stored hash). */
export function csrfTokenFor(token: string): string {
  return createHash('sha256').update(`berth-dashboard-csrf\0${token}`, 'utf8').digest('base64url');
}

/** Compares a sent CSRF token with the session's in constant time. */
export function csrfTokenMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
