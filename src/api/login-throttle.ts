/**
 * Counts failed email:password logins in a fixed 15-minute window, per client address and per
 * email (an AttemptThrottle that records failures only), so nobody can guess passwords at speed
 * from one place or spread over many against one account. Over either limit every further
 * attempt is refused with 429 before any password is checked, whether it would have been right
 * or not.
 */
import { AttemptThrottle } from './attempt-throttle.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;

export class LoginThrottle {
  private readonly failures: AttemptThrottle;

  constructor(limits: { perClient: number; perEmail: number }, now: () => number) {
    this.failures = new AttemptThrottle(limits, LOGIN_WINDOW_MS, now);
  }

  /** Seconds until the caller may try again, or 0 when it may try now. */
  retryAfterSeconds(client: string, email: string): number {
    return this.failures.retryAfterSeconds(client, email);
  }

  /** Minutes until the caller may try again (rounded up), or 0 when it may try now. */
  blockedFor(client: string, email: string): number {
    const seconds = this.retryAfterSeconds(client, email);
    return seconds === 0 ? 0 : Math.max(1, Math.ceil(seconds / 60));
  }

  recordFailure(client: string, email: string): void {
    this.failures.record(client, email);
  }
}
