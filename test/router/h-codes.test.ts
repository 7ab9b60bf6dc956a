import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import type { AppRoute } from '../../src/core/route-table.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import { app, closedPort, get, parseResponse, rawRequest, startBackend, startRawBackend, startTestRouter, up, type TestRouter } from './harness.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function routerFor(apps: AppRoute[], options: Partial<RouterOptions> = {}): Promise<TestRouter> {
  const r = await startTestRouter(apps, options);
  cleanups.push(() => r.stop());
  return r;
}

/** One request to `<name>.berth.test`; returns the response and the router's log line for it. */
async function provoke(r: TestRouter, name: string, code: string, request = get(`${name}.berth.test`, '/', 'Connection: close\r\n')) {
  const res = parseResponse(await rawRequest(r.port, request, 5_000));
  const log = await r.waitForLog(new RegExp(`code=${code} `));
  assert.equal(log.app, name);
  return { res, log: log.line };
}

describe('router error codes', () => {
  it('H14: an app without web dynos', async () => {
    const r = await routerFor([app('idle', [])]);
    const { res, log } = await provoke(r, 'idle', 'H14');
    assert.equal(res.status, 503);
    assert.match(res.body.toString(), /no web dynos/);
    assert.match(log, /^at=error code=H14 desc="No web processes running" method=GET path="\/" host=idle\.berth\.test request_id=[0-9a-f-]{36} fwd="127\.0\.0\.1" dyno= connect= service= status=503 bytes=\d+ protocol=http$/);
  });

  it('H80: maintenance mode answers without touching dynos', async () => {
    const dyno = await startBackend();
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('fixing', [up(dyno.port)], { maintenance: true })]);
    const { res } = await provoke(r, 'fixing', 'H80');
    assert.equal(res.status, 503);
    assert.match(res.body.toString(), /maintenance/);
    assert.equal(dyno.seen.length, 0);
  });

  it('H10: crashed dynos', async () => {
    const r = await routerFor([app('broken', [up(1, 'web.1', 'starting')], { crashed: true })]);
    const { res } = await provoke(r, 'broken', 'H10');
    assert.equal(res.status, 503);
  });

  it('H20: only a starting dyno until the boot timeout', async () => {
    const r = await routerFor([app('slowboot', [up(1, 'web.1', 'starting')])], { bootTimeoutMs: 300 });
    const { res, log } = await provoke(r, 'slowboot', 'H20');
    assert.equal(res.status, 503);
    assert.match(log, /desc="App boot timeout"/);
  });

  it('a request waiting for a starting dyno is served once the dyno is up', async () => {
    const dyno = await startBackend();
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('booting', [up(dyno.port, 'web.1', 'starting')])], { bootTimeoutMs: 5_000 });
    const pending = rawRequest(r.port, get('booting.berth.test', '/', 'Connection: close\r\n'), 5_000);
    setTimeout(() => r.update({ upsert: [app('booting', [up(dyno.port)])] }), 150);
    assert.equal(parseResponse(await pending).status, 200);
  });

  it('H12: a dyno that never answers', async () => {
    const dyno = await startRawBackend(() => undefined);
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('hang', [up(dyno.port)])], { responseTimeoutMs: 300 });
    const { res, log } = await provoke(r, 'hang', 'H12');
    assert.equal(res.status, 503);
    assert.match(log, /desc="Request timeout" .* dyno=web\.1 connect=\d+ms service=\d+ms status=503 /);
  });

  it('H13: a dyno that closes the connection without answering', async () => {
    const dyno = await startRawBackend((s) => s.once('data', () => s.end()));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('closer', [up(dyno.port)])]);
    assert.equal((await provoke(r, 'closer', 'H13')).res.status, 503);
  });

  it('H15: a streaming response that goes idle', async () => {
    const dyno = await startRawBackend((s) => s.once('data', () => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('stall', [up(dyno.port)])], { idleTimeoutMs: 300 });
    const { res, log } = await provoke(r, 'stall', 'H15');
    assert.equal(res.status, 200, 'the response had started; the connection is closed instead of a page');
    assert.match(res.raw, /hello/);
    assert.match(log, /status=200 /);
  });

  it('H17: a dyno that answers garbage', async () => {
    const dyno = await startRawBackend((s) => s.once('data', () => s.write('lol what\r\n\r\n')));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('garbage', [up(dyno.port)])]);
    assert.equal((await provoke(r, 'garbage', 'H17')).res.status, 503);
  });

  it('H18: a dyno that resets while the request body is being sent', async () => {
    const dyno = await startRawBackend((s) => s.once('data', () => s.resetAndDestroy()));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('upload', [up(dyno.port)])]);
    const req = [`POST / HTTP/1.1\r\nHost: upload.berth.test\r\nContent-Length: 1000000\r\n\r\n`, Buffer.alloc(1000, 'a')];
    const { res } = await provoke(r, 'upload', 'H18', req as unknown as string);
    assert.equal(res.status, 503);
  });

  it('H18: a dyno that closes in the middle of the response body', async () => {
    const dyno = await startRawBackend((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b')));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('midbody', [up(dyno.port)])]);
    const { res } = await provoke(r, 'midbody', 'H18');
    assert.equal(res.status, 200);
    assert.ok(res.body.length < 100, 'the client sees a truncated body and a closed connection');
  });

  it('H21: every dyno refuses the connection', async () => {
    const r = await routerFor([app('refused', [up(await closedPort())])]);
    const { res, log } = await provoke(r, 'refused', 'H21');
    assert.equal(res.status, 503);
    assert.match(log, /dyno=web\.1 connect=\d+ms/);
  });

  it('H19: connecting to the dyno times out', async (t) => {
    const backlog = await fullBacklogListener();
    t.after(() => backlog.child.kill());
    const r = await routerFor([app('unreachable', [up(backlog.port)])], { connectTimeoutMs: 300 });
    assert.equal((await provoke(r, 'unreachable', 'H19')).res.status, 503);
  });

  it('H11: more requests than the dynos and the backlog take', async () => {
    const dyno = await startBackend((_req, res) => setTimeout(() => res.end('late'), 300));
    cleanups.push(() => dyno.close());
    const r = await routerFor([app('busy', [up(dyno.port)])], { maxInFlightPerDyno: 1, backlogPerDyno: 1, responseTimeoutMs: 5_000 });
    const results = await Promise.all([1, 2, 3].map(() => rawRequest(r.port, get('busy.berth.test', '/', 'Connection: close\r\n'), 5_000)));
    const statuses = results.map((b) => parseResponse(b).status).sort();
    assert.deepEqual(statuses, [200, 200, 503]);
    await r.waitForLog(/code=H11 desc="Backlog too deep"/);
  });

  it('H99: a route to an unusable dyno address is a platform error', async () => {
    const r = await routerFor([app('badroute', [up(70000)])]);
    const { res } = await provoke(r, 'badroute', 'H99');
    assert.equal(res.status, 503);
  });
});

/** A listener (python, so it never accepts) whose accept queue is full: connects hang. */
async function fullBacklogListener(): Promise<{ port: number; child: ChildProcess }> {
  const script = [
    'import socket, sys, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'port = s.getsockname()[1]',
    'fill = []',
    'for _ in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'time.sleep(0.2); print(port, flush=True); time.sleep(30)',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`backlog listener exited ${code}`)));
  });
  return { port, child };
}
