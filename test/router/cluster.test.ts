import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRouterCluster, type RouterCluster } from '../../src/router/router-cluster.js';
import { DOMAIN, FAST, RawClient, app, get, startBackend, up, type TestBackend } from './harness.js';
import { waitFor } from '../support/wait.js';

describe('router cluster (one worker per core)', () => {
  let dyno: TestBackend;
  let cluster: RouterCluster;
  const logs: Array<{ app: string | null; line: string }> = [];
  before(async () => {
    dyno = await startBackend();
    cluster = await startRouterCluster({
      workers: 2, port: 0, host: '127.0.0.1', execArgv: [], options: FAST,
      table: { domain: DOMAIN, apps: [app('first', [up(dyno.port)])] },
      onLog: (a, line) => logs.push({ app: a, line }),
    });
  });
  after(async () => {
    await cluster.stop();
    await dyno.close();
  });

  /** Opens `n` connections at once and sends one request on each; returns the statuses. */
  async function burst(host: string, n: number): Promise<number[]> {
    const clients = Array.from({ length: n }, () => new RawClient(cluster.ports.http));
    await Promise.all(clients.map((c) => c.ready()));
    for (const c of clients) c.send(get(host));
    const statuses = await Promise.all(clients.map(async (c) => (await c.response(5_000)).status));
    for (const c of clients) c.close();
    return statuses;
  }

  it('serves from both workers', async () => {
    let stats = await cluster.stats();
    for (let round = 0; round < 20 && !(stats.length === 2 && stats.every((s) => s.requests > 0)); round++) {
      assert.ok((await burst('first.berth.test', 20)).every((s) => s === 200));
      stats = await cluster.stats();
    }
    assert.equal(stats.length, 2);
    assert.notEqual(stats[0]?.pid, stats[1]?.pid);
    assert.ok(stats.every((s) => s.requests > 0), `requests per worker: ${stats.map((s) => s.requests)}`);
  });

  it('applies a route table update in every worker', async () => {
    await cluster.update({ upsert: [app('second', [up(dyno.port)])] });
    const stats = await cluster.stats();
    assert.deepEqual(stats.map((s) => s.apps), [2, 2]);
    assert.ok((await burst('second.berth.test', 20)).every((s) => s === 200));
  });

  it('brings the workers\' log lines to the primary, with their app', async () => {
    const line = await waitFor('a log line of app second from a worker', () => logs.find((l) => l.app === 'second'));
    assert.match(line.line, /^at=info method=GET path="\/" host=second\.berth\.test /);
  });

  it('confirms a drain from every worker only once the request in flight to the dyno has finished', async () => {
    const held: Array<() => void> = [];
    const leaving = await startBackend((req, res) => {
      if (req.url === '/hold') held.push(() => res.end('leaving'));
      else res.end('leaving');
    });
    const staying = await startBackend();
    try {
      await cluster.update({ upsert: [app('rolling', [up(leaving.port, 'web.1')])] });
      const c = new RawClient(cluster.ports.http);
      c.send(get('rolling.berth.test', '/hold'));
      await waitFor('the held request to reach the leaving dyno', () => held.length > 0, 5_000);
      assert.equal(held.length, 1, 'the held request reached the leaving dyno');
      await cluster.update({ upsert: [app('rolling', [up(staying.port, 'web.2')])] });
      const address = { host: '127.0.0.1', port: leaving.port };
      assert.equal(await cluster.drain(address, 100), false, 'one worker still has the request in flight');
      assert.ok((await burst('rolling.berth.test', 10)).every((s) => s === 200));
      assert.equal(leaving.seen.length, 1, 'no worker sent the leaving dyno a new request');
      const drained = cluster.drain(address, 10_000);
      for (const answer of held) answer();
      assert.equal((await c.response(5_000)).body.toString(), 'leaving');
      c.close();
      assert.equal(await drained, true);
    } finally {
      await leaving.close();
      await staying.close();
    }
  });
});
