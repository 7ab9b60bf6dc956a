/**
 * One formation dyno's last 24 hours of samples (memory RSS and swap, load), minute by minute in
 * fixed typed arrays: the same ring as AppMetricsRing (slot = minute number mod 1440, each slot
 * remembers its minute). A minute keeps the highest of each sample taken in it.
 */
import { MINUTE_SECONDS, RETAINED_MINUTES, type DynoMinute } from './app-metrics.js';

const SLOTS = RETAINED_MINUTES;
const NONE = -1;

/** One sample of a dyno's cgroup, in MB (memory) and tasks (load). */
export interface DynoSample {
  rssMb: number;
  swapMb: number;
  quotaMb: number;
  load: number;
}

export class DynoMetricsRing {
  private readonly held = new Int32Array(SLOTS).fill(NONE);
  // float32: read back rounded to 0.01, as shown.
  private readonly rss = new Float32Array(SLOTS);
  private readonly swap = new Float32Array(SLOTS);
  private readonly load = new Float32Array(SLOTS);
  private quotaMb = 0;
  private newest = NONE;

  constructor(readonly name: string, readonly type: string) {}

  /** The newest minute (unix seconds) sampled, or null. */
  get lastMinute(): number | null {
    return this.newest === NONE ? null : this.newest * MINUTE_SECONDS;
  }

  sample(minute: number, s: DynoSample): void {
    const n = Math.max(Math.floor(minute / MINUTE_SECONDS), this.newest);
    const slot = n % SLOTS;
    if (this.held[slot] !== n) {
      this.held[slot] = n;
      this.rss[slot] = this.swap[slot] = this.load[slot] = -Infinity;
    }
    this.rss[slot] = Math.max(this.rss[slot]!, s.rssMb);
    this.swap[slot] = Math.max(this.swap[slot]!, s.swapMb);
    this.load[slot] = Math.max(this.load[slot]!, s.load);
    this.quotaMb = s.quotaMb;
    this.newest = n;
  }

  /** The sampled minutes in [from, to] (unix seconds), oldest first. */
  rows(from: number, to: number): DynoMinute[] {
    const rows: DynoMinute[] = [];
    const first = Math.max(Math.floor(from / MINUTE_SECONDS), this.newest - SLOTS + 1);
    for (let n = first; n <= Math.min(Math.floor(to / MINUTE_SECONDS), this.newest); n++) {
      const slot = n % SLOTS;
      if (this.held[slot] !== n) continue;
      rows.push({
        dyno: this.name,
        type: this.type,
        minute: n * MINUTE_SECONDS,
        rssMb: round(this.rss[slot]!),
        swapMb: round(this.swap[slot]!),
        quotaMb: this.quotaMb,
        load: round(this.load[slot]!),
      });
    }
    return rows;
  }
}

const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
