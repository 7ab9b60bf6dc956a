/**
 * The throttles of the routes that create accounts or hand out a way in without an API key:
 * self-service sign-up, team invitations and invitation links. A route declares `throttle` (its
 * kind, and the body field holding the email it acts on); the server counts every attempt per
 * client address and per email before the handler runs, and answers 429 with Retry-After over
 * a limit (the same AttemptThrottle as failed logins).
 */
import { PlatformError } from '../core/errors.js';
import { AttemptThrottle, type AttemptLimits } from './attempt-throttle.js';
import type { RouteThrottle, ThrottleKind } from './context.js';

export const THROTTLE_WINDOW_MS = 60 * 60_000;

/** Attempts per hour: generous for people, tight for scripts. */
export const DEFAULT_THROTTLE_LIMITS: Readonly<Record<ThrottleKind, AttemptLimits>> = {
  signup: { perClient: 20, perEmail: 5 },
  invitation: { perClient: 100, perEmail: 10 },
  'invitation-link': { perClient: 100 },
};

const WHAT: Record<ThrottleKind, string> = {
  signup: 'sign-up attempts',
  invitation: 'team invitations',
  'invitation-link': 'invitation link requests',
};

export class RouteThrottles {
  private readonly throttles = new Map<ThrottleKind, AttemptThrottle>();

  constructor(limits: Partial<Record<ThrottleKind, AttemptLimits>>, now: () => number) {
    for (const kind of Object.keys(DEFAULT_THROTTLE_LIMITS) as ThrottleKind[]) {
      this.throttles.set(kind, new AttemptThrottle(limits[kind] ?? DEFAULT_THROTTLE_LIMITS[kind], THROTTLE_WINDOW_MS, now));
    }
  }

  /** Counts the attempt, or throws `rate_limit` (with Retry-After) when the client or the email is over its limit. */
  async admit(rule: RouteThrottle, client: string, body: () => Promise<Record<string, unknown>>): Promise<void> {
    const throttle = this.throttles.get(rule.kind);
    if (!throttle) throw new Error(`no throttle for ${rule.kind}`);
    const value = rule.emailField === undefined ? undefined : (await body())[rule.emailField];
    const email = typeof value === 'string' ? value.trim() : undefined;
    const retryAfterSeconds = throttle.retryAfterSeconds(client, email);
    if (retryAfterSeconds > 0) {
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw new PlatformError('rate_limit', `Too many ${WHAT[rule.kind]} from this address${email === undefined ? '' : ' or for this email'}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { retryAfterSeconds });
    }
    throttle.record(client, email);
  }
}
