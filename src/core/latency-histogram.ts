/**
 * A fixed log-bucket histogram of response times (ms) for one minute: bounded memory (one
 * Uint32Array of BUCKETS counts, whatever the traffic) and percentiles within a known error.
 *
 * Bucket 0 holds [0, 1) ms; bucket i ≥ 1 holds [GAMMA^(i-1), GAMMA^i) ms, the last one everything
 * from its lower bound up (~2.9 min, read as the largest value seen). A percentile is read as the geometric middle of its bucket
 * (bucket 0: 0), clamped to the smallest and largest value seen, so from 1 ms up its relative
 * error is at most sqrt(GAMMA) - 1 ≈ 1.98 %, below 1 ms its absolute error under 1 ms (the
 * router reports whole milliseconds, so 0 ms reads exactly), and the extremes read exactly.
 */
export const GAMMA = 1.04;
export const BUCKETS = 310;
/** The worst relative error of a percentile read from the histogram. */
export const PERCENTILE_ERROR = Math.sqrt(GAMMA) - 1;

const LOG_GAMMA = Math.log(GAMMA);

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_GAMMA));
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private n = 0;
  private min = Infinity;
  private max = -Infinity;

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.counts[bucketOf(ms)]! += 1;
    this.n += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** The q-quantile (0 < q ≤ 1) by nearest rank, or null when empty; rounded to 0.01 ms. */
  percentile(q: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.n));
    if (rank >= this.n) return this.max;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank && i === BUCKETS - 1) return this.max;
      if (seen >= rank) return Math.round(Math.min(this.max, Math.max(this.min, middleOf(i))) * 100) / 100;
    }
    return this.max;
  }
}

/** The geometric middle of a bucket: GAMMA^(i - 1/2) (0 for bucket 0). */
function middleOf(bucket: number): number {
  return bucket === 0 ? 0 : GAMMA ** (bucket - 0.5);
}
