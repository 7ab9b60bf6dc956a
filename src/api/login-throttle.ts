/**
 * Counts failed email:password logins in a fixed 15-minute window, per client address and per
 * email, so nobody can guess passwords at speed from one place or spread over many against one
 * account. Over either limit every further attempt is refused with 429 before any password is
 * checked, whether it would have been right or not. Bounded memory: old windows are evicted.
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;
const MAX_KEYS = 50_000;

interface Window {
  start: number;
  failures: number;
}

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: { perClient: number; perEmail: number }, private readonly now: () => number) {}

  /** Minutes until the caller may try again, or 0 when it may try now. */
  blockedFor(client: string, email: string): number {
    const time = this.now();
    const waits = [this.wait(`c:${client}`, this.limits.perClient, time), this.wait(`e:${email.toLowerCase()}`, this.limits.perEmail, time)];
    return Math.max(...waits);
  }

  recordFailure(client: string, email: string): void {
    const time = this.now();
    for (const key of [`c:${client}`, `e:${email.toLowerCase()}`]) {
      let window = this.windows.get(key);
      if (!window || time - window.start >= LOGIN_WINDOW_MS) {
        window = { start: time, failures: 0 };
        this.windows.set(key, window);
        if (this.windows.size > MAX_KEYS) this.evict(time);
      }
      window.failures += 1;
    }
  }

  private wait(key: string, limit: number, time: number): number {
    const window = this.windows.get(key);
    if (!window || time - window.start >= LOGIN_WINDOW_MS || window.failures < limit) return 0;
    return Math.max(1, Math.ceil((window.start + LOGIN_WINDOW_MS - time) / 60_000));
  }

  private evict(time: number): void {
    for (const [key, w] of this.windows) if (time - w.start >= LOGIN_WINDOW_MS) this.windows.delete(key);
  }
}
