import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUCKETS, LatencyHistogram, PERCENTILE_ERROR, bucketOf } from '../../src/core/latency-histogram.js';

/** The exact nearest-rank percentile of a sorted list. */
const exact = (sorted: number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;

describe('LatencyHistogram', () => {
  it('reads no percentile when empty', () => {
    assert.equal(new LatencyHistogram().percentile(0.5), null);
  });

  it('reads every percentile of one value exactly', () => {
    const h = new LatencyHistogram();
    h.add(123);
    assert.deepEqual([0.5, 0.95, 0.99].map((q) => h.percentile(q)), [123, 123, 123]);
  });

  it('keeps percentiles of a skewed distribution within the documented relative error', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    // 1..1000 ms, most fast, a long tail: deterministic, no randomness.
    for (let i = 1; i <= 5000; i++) values.push(Math.round(1 + ((i * 7919) % 1000) ** 2 / 1000));
    for (const v of values) h.add(v);
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const want = exact(values, q);
      const got = h.percentile(q)!;
      assert.ok(Math.abs(got - want) / want <= PERCENTILE_ERROR + 1e-9, `p${q * 100}: ${got} vs exact ${want}`);
    }
    assert.ok(PERCENTILE_ERROR < 0.02);
  });

  it('reads 0 ms exactly and clamps the tail to the largest value seen', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 98; i++) h.add(0);
    h.add(30_000);
    h.add(1e9);
    assert.equal(h.percentile(0.5), 0);
    assert.equal(h.percentile(1), 1e9);
    assert.equal(bucketOf(1e12), BUCKETS - 1);
  });

  it('ignores negative and non-finite values, and forgets everything on reset', () => {
    const h = new LatencyHistogram();
    h.add(-1);
    h.add(NaN);
    h.add(Infinity);
    assert.equal(h.count, 0);
    h.add(5);
    h.reset();
    assert.equal(h.count, 0);
    assert.equal(h.percentile(0.99), null);
  });
});
