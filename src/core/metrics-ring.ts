/**
 * One app's last 24 hours, minute by minute, in fixed typed arrays: a ring of RETAINED_MINUTES
 * slots (slot = minute number mod 1440) that each remember which minute they hold, so a slot is
 * reset when a newer minute claims it and a read of an overwritten minute finds nothing. Only the
 * current minute keeps a latency histogram; a minute's percentiles are fixed when the next begins.
 */
import { MINUTE_SECONDS, RETAINED_MINUTES, statusClass, type AppMinute, type RouterRequest } from './app-metrics.js';
import { LatencyHistogram } from './latency-histogram.js';

const SLOTS = RETAINED_MINUTES;
const NONE = -1;
// Counters per slot, in this order.
const CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
const RESTARTS = 4, CRASHES = 5, COUNTERS = 6;
/** Berth has 23 H- and R-codes; more distinct ones than this are ignored (bounds the code map). */
const MAX_CODES = 32;

const minuteNumber = (minute: number) => Math.floor(minute / MINUTE_SECONDS);
const slotOf = (n: number) => ((n % SLOTS) + SLOTS) % SLOTS;
// Percentiles are stored as float32 and were rounded to 0.01 ms: rounding again gives them back.
const nullable = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 100) / 100);

export class AppMetricsRing {
  private readonly held = new Int32Array(SLOTS).fill(NONE);
  private readonly counters = new Uint32Array(SLOTS * COUNTERS);
  private readonly percentiles = new Float32Array(SLOTS * 3).fill(NaN);
  private readonly codes = new Map<string, Uint32Array>();
  private readonly histogram = new LatencyHistogram();
  private histogramMinute = NONE;
  /** The newest minute number written (events of older minutes count in this one). */
  private newest = NONE;

  /** The newest minute (unix seconds) anything was recorded in, or null. */
  get lastMinute(): number | null {
    return this.newest === NONE ? null : this.newest * MINUTE_SECONDS;
  }

  request(minute: number, request: RouterRequest): void {
    const slot = this.claim(minute);
    const cls = statusClass(request.status);
    if (cls) this.counters[slot * COUNTERS + CLASSES.indexOf(cls)]! += 1;
    if (request.code) this.count(request.code, slot);
    if (request.serviceMs !== null) this.histogram.add(request.serviceMs);
  }

  restart(minute: number): void {
    this.counters[this.claim(minute) * COUNTERS + RESTARTS]! += 1;
  }

  crash(minute: number): void {
    this.counters[this.claim(minute) * COUNTERS + CRASHES]! += 1;
  }

  runtimeError(minute: number, code: string): void {
    this.count(code, this.claim(minute));
  }

  /** The minutes in [from, to] (unix seconds) that hold anything, oldest first. */
  rows(from: number, to: number): AppMinute[] {
    const rows: AppMinute[] = [];
    const first = Math.max(minuteNumber(from), this.newest - SLOTS + 1);
    for (let n = first; n <= Math.min(minuteNumber(to), this.newest); n++) {
      const slot = slotOf(n);
      if (this.held[slot] === n) rows.push(this.row(n, slot));
    }
    return rows;
  }

  /** The slot of `minute`, reset if it held an older one; finishes the histogram's minute when a newer one starts. */
  private claim(minute: number): number {
    const n = Math.max(minuteNumber(minute), this.newest);
    const slot = slotOf(n);
    if (this.held[slot] !== n) {
      this.held[slot] = n;
      this.counters.fill(0, slot * COUNTERS, (slot + 1) * COUNTERS);
      this.percentiles.fill(NaN, slot * 3, slot * 3 + 3);
      for (const series of this.codes.values()) series[slot] = 0;
    }
    if (this.histogramMinute !== n) {
      this.finishHistogram();
      this.histogramMinute = n;
    }
    this.newest = n;
    return slot;
  }

  private finishHistogram(): void {
    const n = this.histogramMinute;
    if (n === NONE || this.histogram.count === 0) return;
    const slot = slotOf(n);
    if (this.held[slot] === n) this.percentiles.set([0.5, 0.95, 0.99].map((q) => this.histogram.percentile(q)!), slot * 3);
    this.histogram.reset();
  }

  private count(code: string, slot: number): void {
    let series = this.codes.get(code);
    if (!series) {
      if (this.codes.size >= MAX_CODES) return;
      series = new Uint32Array(SLOTS);
      this.codes.set(code, series);
    }
    series[slot]! += 1;
  }

  private row(n: number, slot: number): AppMinute {
    const c = (i: number) => this.counters[slot * COUNTERS + i]!;
    const live = n === this.histogramMinute;
    const p = (i: number, q: number) => (live ? this.histogram.percentile(q) : nullable(this.percentiles[slot * 3 + i]!));
    const errors: Record<string, number> = {};
    const runtimeErrors: Record<string, number> = {};
    for (const [code, series] of this.codes) {
      if (series[slot]) (code.startsWith('R') ? runtimeErrors : errors)[code] = series[slot]!;
    }
    return {
      minute: n * MINUTE_SECONDS,
      requests: { '2xx': c(0), '3xx': c(1), '4xx': c(2), '5xx': c(3) },
      p50: p(0, 0.5),
      p95: p(1, 0.95),
      p99: p(2, 0.99),
      errors,
      restarts: c(RESTARTS),
      crashes: c(CRASHES),
      runtimeErrors,
    };
  }
}
