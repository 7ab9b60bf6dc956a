/**
 * A clock for lifecycle unit tests: `now()` and the Timers port (core/timers.ts), with time that
 * moves only when the test calls advance(), firing due timers in order.
 */
import type { Timers } from '../../src/core/timers.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  every?: number;
}

export class FakeClock implements Timers {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  after(ms: number, fn: () => void): () => void {
    return this.#add({ at: this.#now + Math.max(0, ms), seq: this.#seq++, fn });
  }

  every(ms: number, fn: () => void): () => void {
    return this.#add({ at: this.#now + ms, seq: this.#seq++, fn, every: ms });
  }

  /** Timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#pending.reduce<Pending | undefined>((a, b) => (a === undefined || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a), undefined);
      if (next === undefined || next.at > until) break;
      this.#now = next.at;
      if (next.every === undefined) this.#pending.splice(this.#pending.indexOf(next), 1);
      else next.at += next.every;
      next.fn();
    }
    this.#now = until;
  }

  #add(timer: Pending): () => void {
    this.#pending.push(timer);
    return () => {
      const i = this.#pending.indexOf(timer);
      if (i !== -1) this.#pending.splice(i, 1);
    };
  }
}
