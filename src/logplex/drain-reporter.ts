/**
 * Drain trouble, said in-band: a `heroku[logplex]` line in the app's own channel, at most one per
 * `intervalMs` per drain (the rest are counted into the next one), so a dead endpoint is visible
 * in `berth logs` without flooding it.
 */
export class DrainReporter {
  private last = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly emit: (message: string) => void,
    private readonly intervalMs: number,
    private readonly nowMs: () => number,
  ) {}

  report(message: string): void {
    const now = this.nowMs();
    if (now - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.last = now;
    const more = this.suppressed > 0 ? ` (${this.suppressed} more failures since the last report)` : '';
    this.suppressed = 0;
    this.emit(`${message}${more}`);
  }
}
