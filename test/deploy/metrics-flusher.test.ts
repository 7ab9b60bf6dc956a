// MetricsFlusher over a real SQLite store, with a real MetricsBook (as the host agent keeps it)
// as its source and an injected clock: what it saves, when, and what a failed flush keeps.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MetricsBook } from '../../src/core/metrics-book.js';
import { MetricsFlusher } from '../../src/deploy/metrics-flusher.js';
import { openStore } from '../../src/store/open-store.js';
import { appWithOwner } from '../store/release-support.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MINUTE = 60_000;
const ok = { status: 200, serviceMs: 5, code: null };
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function world() {
  const dir = await mkdtemp(join(tmpdir(), 'berth-metrics-'));
  dirs.push(dir);
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
  const { appId } = await appWithOwner(store, 'metered');
  const book = new MetricsBook();
  let now = T0;
  let reachable = true;
  const logged: Array<Record<string, unknown>> = [];
  const source = {
    metricsMinutes: async (r: { appId?: string; from: number; to: number }) => {
      if (!reachable) throw new Error('the host agent is not connected');
      return book.rows(r.from, r.to, r.appId);
    },
  };
  const flusher = new MetricsFlusher({ store, source, log: (e) => void logged.push(e), now: () => now });
  const saved = async () => (await store.appMetrics.read(appId, 0, Number.MAX_SAFE_INTEGER)).minutes.map((m) => [(m.minute * 1000 - T0) / MINUTE, m.requests['2xx']]);
  return {
    store, appId, book, flusher, logged, saved,
    at: (ms: number) => void (now = T0 + ms),
    agentDown: (down: boolean) => void (reachable = !down),
  };
}

describe('MetricsFlusher', () => {
  it('saves finished minutes only, and the current partial minute when it stops', async () => {
    const w = await world();
    w.book.request(w.appId, T0 + 5_000, ok);
    w.book.request(w.appId, T0 + MINUTE + 5_000, ok);
    w.book.request(w.appId, T0 + MINUTE + 6_000, ok);
    w.at(MINUTE + 30_000);
    await w.flusher.flush();
    assert.deepEqual(await w.saved(), [[0, 1]], 'minute 1 is still running');
    await w.flusher.stop();
    assert.deepEqual(await w.saved(), [[0, 1], [1, 2]]);
    await w.store.close();
  });

  it('takes a partial minute again, complete, at the next flush after a stop', async () => {
    const w = await world();
    w.book.request(w.appId, T0 + 1_000, ok);
    w.at(10_000);
    await w.flusher.stop();
    w.book.request(w.appId, T0 + 50_000, ok);
    w.at(MINUTE + 1_000);
    await w.flusher.flush();
    assert.deepEqual(await w.saved(), [[0, 2]]);
    await w.store.close();
  });

  it('keeps its cursor when the agent is away, so the next flush saves the minutes it missed', async () => {
    const w = await world();
    w.book.request(w.appId, T0 + 1_000, ok);
    w.book.request(w.appId, T0 + MINUTE + 1_000, ok);
    w.agentDown(true);
    w.at(2 * MINUTE + 1_000);
    await w.flusher.flush();
    await w.flusher.flush();
    assert.equal(w.logged.length, 1, 'the same failure is logged once');
    assert.match(String(w.logged[0]!.msg), /metrics flush failed/);
    assert.deepEqual(await w.saved(), []);
    w.agentDown(false);
    await w.flusher.flush();
    assert.deepEqual(await w.saved(), [[0, 1], [1, 1]]);
    await w.store.close();
  });

  it('deletes rows older than 24 hours', async () => {
    const w = await world();
    w.book.request(w.appId, T0, ok);
    w.at(MINUTE);
    await w.flusher.flush();
    assert.deepEqual(await w.saved(), [[0, 1]]);
    w.at(1440 * MINUTE + 1_000);
    await w.flusher.flush();
    assert.deepEqual(await w.saved(), [], 'minute 0 is more than 24 h old');
    await w.store.close();
  });
});
