// The Store contract: app metrics by minute (migration 0020).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppMinute, DynoMinute } from '../../src/core/app-metrics.js';
import { account, app, type ContractContext } from './contract-support.js';

const M = 1_780_000_020; // a minute start (unix seconds)
const minute = (minute: number, over: Partial<AppMinute> = {}): AppMinute => ({
  minute,
  requests: { '2xx': 10, '3xx': 1, '4xx': 2, '5xx': 3 },
  p50: 1.5,
  p95: 20.25,
  p99: null,
  errors: { H12: 2, H10: 1 },
  restarts: 1,
  crashes: 1,
  runtimeErrors: { R14: 4 },
  ...over,
});
const dyno = (name: string, m: number, rssMb: number | null): DynoMinute => ({ dyno: name, type: 'web', minute: m, rssMb, swapMb: 0, quotaMb: 512, load: 0.42 });

export function appMetricsContract({ open }: ContractContext): void {
  describe('app metrics', () => {
    it('reads back saved minutes and dyno samples of a range, oldest first, with nulls and code counts intact', async () => {
      const store = await open();
      const a = await app(store, 'metrics-a', (await account(store)).id);
      assert.equal(await store.appMetrics.save(a.id, { minutes: [minute(M + 60), minute(M)], dynos: [dyno('web.2', M, 30.5), dyno('web.1', M, null), dyno('web.1', M + 120, 31)] }), true);
      const rows = await store.appMetrics.read(a.id, M, M + 60);
      assert.deepEqual(rows.minutes, [minute(M), minute(M + 60)]);
      assert.deepEqual(rows.dynos, [dyno('web.1', M, null), dyno('web.2', M, 30.5)]);
    });

    it('replaces a minute saved again (the flush is idempotent) and keeps apps apart', async () => {
      const store = await open();
      const owner = (await account(store)).id;
      const a = await app(store, 'metrics-a', owner);
      const b = await app(store, 'metrics-b', owner);
      await store.appMetrics.save(a.id, { minutes: [minute(M)], dynos: [dyno('web.1', M, 10)] });
      await store.appMetrics.save(a.id, { minutes: [minute(M, { crashes: 7, errors: {} })], dynos: [dyno('web.1', M, 11)] });
      await store.appMetrics.save(b.id, { minutes: [minute(M, { crashes: 9 })], dynos: [] });
      const rows = await store.appMetrics.read(a.id, M, M);
      assert.deepEqual(rows.minutes.map((r) => [r.crashes, r.errors]), [[7, {}]]);
      assert.deepEqual(rows.dynos.map((d) => d.rssMb), [11]);
    });

    it('prunes rows older than the cutoff and saves nothing for an app that is gone', async () => {
      const store = await open();
      const a = await app(store, 'metrics-a', (await account(store)).id);
      await store.appMetrics.save(a.id, { minutes: [minute(M), minute(M + 60)], dynos: [dyno('web.1', M, 1), dyno('web.1', M + 60, 1)] });
      assert.equal(await store.appMetrics.prune(M + 60), 2);
      const rows = await store.appMetrics.read(a.id, 0, M + 600);
      assert.deepEqual([rows.minutes.map((r) => r.minute), rows.dynos.map((d) => d.minute)], [[M + 60], [M + 60]]);
      assert.equal(await store.appMetrics.save('00000000-0000-4000-8000-000000000999', { minutes: [minute(M)], dynos: [] }), false);
    });

    it("deletes an app's metrics with the app", async () => {
      const store = await open();
      const a = await app(store, 'metrics-a', (await account(store)).id);
      await store.appMetrics.save(a.id, { minutes: [minute(M)], dynos: [dyno('web.1', M, 1)] });
      assert.equal(await store.apps.delete(a.id), true);
      assert.equal(await store.appMetrics.prune(Number.MAX_SAFE_INTEGER), 0, 'no rows were left behind');
    });
  });
}
