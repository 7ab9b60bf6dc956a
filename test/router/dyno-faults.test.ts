import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import type { AppRoute } from '../../src/core/route-table.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import { RawClient, app, closedPort, get, parseResponse, rawRequest, startBackend, startRawBackend, startTestRouter, up, type TestRouter } from './harness.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function routerFor(apps: AppRoute[], options: Partial<RouterOptions> = {}): Promise<TestRouter> {
  const r = await startTestRouter(apps, options);
  cleanups.push(() => r.stop());
  return r;
}

describe('dyno faults', () => {
  it('tries another dyno when connecting is refused, before any byte was sent', async () => {
    const good = await startBackend();
    cleanups.push(() => good.close());
    // No quarantine: every request has an even chance to try the dead dyno first.
    const r = await routerFor([app('retry', [up(await closedPort(), 'web.1'), up(good.port, 'web.2')])], { quarantineMs: 0 });
    for (let i = 0; i < 20; i++) {
      const res = parseResponse(await rawRequest(r.port, get('retry.berth.test', `/${i}`, 'Connection: close\r\n')));
      assert.equal(res.status, 200);
    }
    assert.equal(good.seen.length, 20);
    assert.ok(r.logs.every((l) => /dyno=web\.2 /.test(l.line)));
  });

  it('queues a request whose dyno refused it while the others are full, and answers H12 when none frees up', async () => {
    let occupied!: () => void;
    const web2Taken = new Promise<void>((resolve) => (occupied = resolve));
    const hang = await startRawBackend(() => occupied()); // accepts and never answers: its one slot stays taken
    cleanups.push(() => hang.close());
    const r = await routerFor([app('full', [up(await closedPort(), 'web.1'), up(hang.port, 'web.2')])], { maxInFlightPerDyno: 1, connectTimeoutMs: 200, responseTimeoutMs: 1_500 });
    const first = rawRequest(r.port, get('full.berth.test', '/first', 'Connection: close\r\n'), 5_000);
    await web2Taken;
    // web.1 refuses, web.2 is full: the request waits in the backlog (not in `connecting`, whose timeout would retry it).
    const second = parseResponse(await rawRequest(r.port, get('full.berth.test', '/second', 'Connection: close\r\n'), 5_000));
    assert.equal(second.status, 503);
    assert.match((await r.waitForLog(/path="\/second"/)).line, /^at=error code=H12 /);
    assert.equal(parseResponse(await first).status, 503);
  });

  it('never retries a request once bytes of it reached a dyno', async () => {
    const received: string[] = [];
    const resetter = await startRawBackend((s) => s.once('data', (d: Buffer) => {
      received.push(d.toString('latin1').split(' ')[1] ?? '');
      s.resetAndDestroy();
    }));
    const good = await startBackend();
    cleanups.push(() => resetter.close(), () => good.close());
    const r = await routerFor([app('once', [up(resetter.port, 'web.1'), up(good.port, 'web.2')])], { quarantineMs: 0 });
    let failed = 0;
    for (let i = 0; i < 20; i++) {
      const method = i % 2 === 0 ? 'GET' : 'POST';
      const res = parseResponse(await rawRequest(r.port, `${method} /r${i} HTTP/1.1\r\nHost: once.berth.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
      if (res.status === 503) failed++;
      else assert.equal(res.status, 200);
    }
    assert.ok(received.length > 0, 'some requests went to the resetting dyno');
    assert.equal(failed, received.length, 'each of those failed instead of being retried');
    const goodPaths = new Set(good.seen.map((q) => q.url));
    assert.ok(received.every((p) => !goodPaths.has(p)));
    assert.ok(r.logs.some((l) => /code=H13 /.test(l.line)));
  });

  it('aborts the dyno side when the client disconnects mid-response, and the pool stays healthy', async () => {
    let closedUnfinished: boolean | undefined;
    const dyno = await startBackend((req, res) => {
      if (req.url !== '/forever') return res.end('fine');
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('tick\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        closedUnfinished = !res.writableEnded;
      });
    });
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('stream', [up(dyno.port)])], { idleTimeoutMs: 5_000 });
    const c = new RawClient(r.port);
    c.send(get('stream.berth.test', '/forever'));
    let got = '';
    c.socket.on('data', (d: Buffer) => (got += d.toString()));
    await waitFor('a tick through the router', () => got.includes('tick'));
    c.close();
    await dyno.closed[0];
    const log = await r.waitForLog(/code=H27 /);
    assert.match(log.line, /status=499 /);
    assert.equal(closedUnfinished, true, 'the dyno stopped writing: its request was closed before it ended the response');
    for (let i = 0; i < 5; i++) {
      assert.equal(parseResponse(await rawRequest(r.port, get('stream.berth.test', '/after', 'Connection: close\r\n'))).status, 200);
    }
  });

  it('replays a bodyless GET when a kept-alive dyno connection turns out to be closed', async () => {
    // The dyno serves one request per connection and drops the connection when a second one
    // arrives on it, without answering: the race of a keep-alive timeout on the dyno side.
    const served = new WeakSet<object>();
    const dyno = await startBackend((req, res) => {
      if (served.has(req.socket)) return void req.socket.destroy();
      served.add(req.socket);
      res.end('once');
    });
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('stale', [up(dyno.port)])]);
    const c = new RawClient(r.port);
    for (let i = 0; i < 5; i++) {
      c.send(get('stale.berth.test', `/${i}`));
      const res = await c.response();
      assert.equal(res.status, 200);
      await pause(30); // requests paced like a browser's, on one kept-alive client connection
    }
    c.close();
    assert.equal(dyno.connections, 5);
    assert.ok(dyno.seen.length > 5, 'some requests hit a dropped connection and were replayed');
    assert.ok(r.logs.every((l) => /^at=info .*status=200 /.test(l.line)));
  });

  it('reads a dyno\'s Keep-Alive timeout and does not reuse connections past it', async () => {
    const dyno = await startBackend();
    dyno.server.keepAliveTimeout = 1_000; // Node sends "Keep-Alive: timeout=1": reuse window 0
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('shortka', [up(dyno.port)])]);
    for (let i = 0; i < 3; i++) {
      assert.equal(parseResponse(await rawRequest(r.port, get('shortka.berth.test', '/', 'Connection: close\r\n'))).status, 200);
    }
    assert.equal(dyno.connections, 3);
  });
});
