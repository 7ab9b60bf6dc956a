/** A fixed one-hour window per account, like Heroku's 4500 requests/hour. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly limit: number, private readonly now: () => Date) {}

  /** Counts one request; returns how many remain (negative when over the limit). */
  take(accountId: string): number {
    const time = this.now().getTime();
    let window = this.windows.get(accountId);
    if (!window || time - window.start >= 3_600_000) {
      window = { start: time, used: 0 };
      this.windows.set(accountId, window);
      if (this.windows.size > 10_000) this.evict(time);
    }
    window.used += 1;
    return this.limit - window.used;
  }

  private evict(time: number): void {
    for (const [id, w] of this.windows) if (time - w.start >= 3_600_000) this.windows.delete(id);
  }
}
