/**
 * Counts attempts in a fixed window per client address and per email, so nobody can repeat an
 * action at speed from one place or spread it over many places against one email. Over either
 * limit every further attempt is refused (429 with Retry-After) before it is tried. Bounded
 * memory: old windows are evicted. Failed logins (login-throttle.ts) and the sign-up and
 * invitation routes (route-throttles.ts) use it.
 */
const MAX_KEYS = 50_000;

interface Window {
  start: number;
  count: number;
}

export interface AttemptLimits {
  perClient: number;
  /** Absent: the route has no email to count by. */
  perEmail?: number;
}

export class AttemptThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: AttemptLimits, readonly windowMs: number, private readonly now: () => number) {}

  /** Seconds until the caller may try again, or 0 when it may try now. */
  retryAfterSeconds(client: string, email?: string): number {
    const time = this.now();
    return Math.max(...this.keys(client, email).map(([key, limit]) => this.wait(key, limit, time)));
  }

  record(client: string, email?: string): void {
    const time = this.now();
    for (const [key] of this.keys(client, email)) {
      let window = this.windows.get(key);
      if (!window || time - window.start >= this.windowMs) {
        window = { start: time, count: 0 };
        this.windows.set(key, window);
        if (this.windows.size > MAX_KEYS) this.evict(time);
      }
      window.count += 1;
    }
  }

  private keys(client: string, email: string | undefined): Array<[string, number]> {
    const keys: Array<[string, number]> = [[`c:${client}`, this.limits.perClient]];
    if (email !== undefined && this.limits.perEmail !== undefined) keys.push([`e:${email.toLowerCase()}`, this.limits.perEmail]);
    return keys;
  }

  private wait(key: string, limit: number, time: number): number {
    const window = this.windows.get(key);
    if (!window || time - window.start >= this.windowMs || window.count < limit) return 0;
    return Math.max(1, Math.ceil((window.start + this.windowMs - time) / 1000));
  }

  private evict(time: number): void {
    for (const [key, w] of this.windows) if (time - w.start >= this.windowMs) this.windows.delete(key);
  }
}
