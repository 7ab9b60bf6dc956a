import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { waitFor } from '../support/wait.js';
import { RawClient, app, get, parseResponse, rawRequest, startBackend, startRawBackend, startTestRouter, up, type TestBackend } from './harness.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A dyno whose `/hold` requests wait until the test releases them. */
async function holdingDyno(name: string): Promise<TestBackend & { release(): void }> {
  const held: Array<() => void> = [];
  const b = await startBackend((req, res) => {
    const answer = () => res.end(name);
    if (req.url === '/hold') held.push(answer);
    else answer();
  });
  cleanups.push(() => b.close());
  return Object.assign(b, { release: () => held.splice(0).forEach((answer) => answer()) });
}

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  await waitFor(what, probe, timeoutMs, 5);
}

describe('draining a dyno that leaves the route', () => {
  it('confirms the drain only once the request in flight to the dyno has finished', async () => {
    const v1 = await holdingDyno('v1');
    const v2 = await holdingDyno('v2');
    const r = await startTestRouter([app('roll', [up(v1.port, 'web.1')])], { responseTimeoutMs: 10_000 });
    cleanups.push(() => r.stop());
    const inFlight = rawRequest(r.port, get('roll.berth.test', '/hold', 'Connection: close\r\n'), 10_000);
    await until('the held request to reach v1', () => v1.seen.length === 1);
    r.update({ upsert: [app('roll', [up(v2.port, 'web.1')])] });

    assert.equal(parseResponse(await rawRequest(r.port, get('roll.berth.test', '/', 'Connection: close\r\n'))).body.toString(), 'v2');
    assert.equal(await r.engine.drain('127.0.0.1', v1.port, 50), false, 'a request is still in flight to v1');
    const drained = r.engine.drain('127.0.0.1', v1.port, 10_000);
    v1.release();
    const old = parseResponse(await inFlight);
    assert.equal(old.status, 200);
    assert.equal(old.body.toString(), 'v1');
    assert.equal(await drained, true);
    assert.equal(v1.seen.length, 1, 'v1 got no request after it left the route');
  });

  it('does not confirm the drain of a dyno the route still has', async () => {
    const v1 = await holdingDyno('v1');
    const r = await startTestRouter([app('kept', [up(v1.port, 'web.1')])]);
    cleanups.push(() => r.stop());
    assert.equal(parseResponse(await rawRequest(r.port, get('kept.berth.test', '/', 'Connection: close\r\n'))).status, 200);
    assert.equal(await r.engine.drain('127.0.0.1', v1.port, 50), false);
    assert.equal(await r.engine.drain('127.0.0.1', 1, 50), true, 'an address the router never used is drained');
  });

  it('closes its idle kept-alive connections as soon as the dyno leaves the route', async () => {
    const v1 = await holdingDyno('v1');
    const v2 = await holdingDyno('v2');
    const dynoSides: Socket[] = [];
    v1.server.on('connection', (s: Socket) => dynoSides.push(s));
    const r = await startTestRouter([app('pool', [up(v1.port, 'web.1')])]);
    cleanups.push(() => r.stop());
    const c = new RawClient(r.port);
    cleanups.push(() => c.close());
    c.send(get('pool.berth.test', '/'));
    assert.equal((await c.response()).body.toString(), 'v1');
    assert.equal(dynoSides.length, 1);
    const closed = once(dynoSides[0] as Socket, 'close');
    r.update({ upsert: [app('pool', [up(v2.port, 'web.1')])] });
    await closed;
    assert.equal(await r.engine.drain('127.0.0.1', v1.port, 5_000), true);
    c.send(get('pool.berth.test', '/'));
    assert.equal((await c.response()).body.toString(), 'v2');
  });

  for (const [method, replayed] of [['DELETE', true], ['GET', true], ['POST', false]] as const) {
    it(`${replayed ? 'replays' : 'does not replay'} a bodyless ${method} on another dyno when its reused connection to a dyno leaving the route is reset`, async () => {
      // The old dyno answers the first request on a connection and, on the second, holds it until
      // the test resets the connection: what a dyno that dies under a pooled connection does.
      const requests: Socket[] = [];
      const old = await startRawBackend((s) => {
        let n = 0;
        s.on('data', (chunk: Buffer) => {
          if (!chunk.includes('\r\n\r\n')) return;
          if (++n === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nKeep-Alive: timeout=60\r\n\r\nold');
          else requests.push(s);
        });
      });
      cleanups.push(() => old.close());
      const next = await holdingDyno('new');
      const r = await startTestRouter([app('reset', [up(old.port, 'web.1')])], { responseTimeoutMs: 10_000 });
      cleanups.push(() => r.stop());
      const c = new RawClient(r.port);
      cleanups.push(() => c.close());
      c.send(get('reset.berth.test', '/'));
      assert.equal((await c.response()).body.toString(), 'old');
      c.send(`${method} /again HTTP/1.1\r\nHost: reset.berth.test\r\n\r\n`);
      await until('the second request on the pooled connection', () => requests.length === 1);
      r.update({ upsert: [app('reset', [up(next.port, 'web.1')])] });
      (requests[0] as Socket).resetAndDestroy();
      const res = await c.response(5_000);
      if (replayed) {
        assert.equal(res.status, 200);
        assert.equal(res.body.toString(), 'new');
        assert.equal(next.seen[0]?.method, method);
      } else {
        assert.equal(res.status, 503);
        await r.waitForLog(/code=H13 /);
        assert.equal(next.seen.length, 0, 'a POST is never sent twice');
      }
    });
  }
});
