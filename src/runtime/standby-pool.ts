/**
 * Standby capacity: a few sandboxes (sandbox-slot.ts: netns + veth, cgroups, scratch tmpfs, pipes,
 * a launcher waiting inside bwrap) made ahead of need, like a grid's batteries hiding a
 * generator's start-up delay, so start() pays neither the ~30 ms of `ip` calls nor the fork, exec
 * and cgroup attach of the launcher. take() hands one out at once and the pool refills in the
 * background, one at a time; when it is empty the caller makes one on demand (counted, so tests
 * can assert which path a start took without timing it).
 */
import type { StandbyStats } from './types.js';

const REFILL_DELAY_MS = 150;

export class StandbyPool<T> {
  private readonly ready: T[] = [];
  private readonly size: number;
  private readonly create: () => Promise<T>;
  private readonly destroy: (item: T) => Promise<void>;
  private readonly warn: (message: string) => void;
  private readonly usable: (item: T) => boolean;
  private filling: Promise<void> | undefined;
  private refillTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;
  private counters = { createdAhead: 0, createdOnDemand: 0, takenFromPool: 0 };

  constructor(options: {
    size: number;
    create: () => Promise<T>;
    destroy: (item: T) => Promise<void>;
    /** A ready item can go bad while it waits (a standby launcher killed): checked at take(). */
    usable?: (item: T) => boolean;
    warn: (message: string) => void;
  }) {
    this.usable = options.usable ?? (() => true);
    this.size = options.size;
    this.create = options.create;
    this.destroy = options.destroy;
    this.warn = options.warn;
  }

  /** A ready item, or undefined (the caller makes one on demand, counted as such). */
  take(): T | undefined {
    let item = this.ready.shift();
    while (item !== undefined && !this.usable(item)) {
      this.destroy(item).catch(() => undefined);
      item = this.ready.shift();
    }
    // Refill a moment later, so the `ip` runs do not compete with the start just served.
    if (!this.refillTimer && !this.closed) {
      this.refillTimer = setTimeout(() => {
        this.refillTimer = undefined;
        this.refill();
      }, REFILL_DELAY_MS);
    }
    if (item === undefined) this.counters.createdOnDemand++;
    else this.counters.takenFromPool++;
    return item;
  }

  /** Start filling up to size in the background (idempotent). */
  refill(): void {
    if (this.filling || this.closed || this.size === 0) return;
    this.filling = (async () => {
      while (!this.closed && this.ready.length < this.size && this.failures < 3) {
        try {
          const item = await this.create();
          this.counters.createdAhead++;
          this.failures = 0;
          if (this.closed) await this.destroy(item);
          else this.ready.push(item);
        } catch (err) {
          this.failures++;
          this.warn(`a standby sandbox could not be made: ${(err as Error).message}`);
        }
      }
    })().finally(() => {
      this.filling = undefined;
      this.failures = 0;
    });
  }

  /** Resolves when the pool is full (or filling stopped). */
  async filled(): Promise<void> {
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    this.refill();
    while (this.filling) await this.filling;
  }

  stats(): StandbyStats {
    return { size: this.size, ready: this.ready.length, ...this.counters };
  }

  /** Stop refilling and destroy the ready items. */
  async drain(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    if (this.filling) await this.filling;
    const items = this.ready.splice(0);
    await Promise.all(items.map((i) => this.destroy(i)));
  }
}
