import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawClient, app, get, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';

describe('cookies from a dyno', () => {
  it('lose a Domain attribute that would set them for every app, and keep their own host', async () => {
    const dyno = await startBackend((_req, res) => {
      res.setHeader('Set-Cookie', ['session=evil; Domain=.berth.test; Path=/', 'mine=1; Domain=shop.berth.test']);
      res.end('ok');
    });
    const router = await startTestRouter([app('shop', [up(dyno.port)])], { cookieDomain: 'berth.test' });
    try {
      const c = new RawClient(router.port);
      c.send(get('shop.berth.test', '/'));
      const res = await c.response();
      c.close();
      assert.equal(res.status, 200);
      const raw = res.raw;
      assert.match(raw, /\r\nSet-Cookie: session=evil; Path=\/\r\n/);
      assert.match(raw, /\r\nSet-Cookie: mine=1; Domain=shop\.berth\.test\r\n/);
    } finally {
      await router.stop();
      await dyno.close();
    }
  });
});

describe('proxying to a web dyno', () => {
  let dyno: TestBackend;
  let router: TestRouter;
  before(async () => {
    dyno = await startBackend();
    router = await startTestRouter([
      app('shop', [up(dyno.port)], { domains: ['www.shop.example', '*.wild.example'] }),
      app('secret-app', []),
    ], { timingHeaders: true });
  });
  after(async () => {
    await router.stop();
    await dyno.close();
  });

  it('adds the forwarding headers, keeps Host, and strips hop-by-hop headers both ways', async () => {
    const c = new RawClient(router.port);
    c.send(get('shop.berth.test', '/x?y=1', 'X-Forwarded-For: 203.0.113.9\r\nConnection: keep-alive, X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: timeout=9\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nX-Keep: yes\r\nVia: 1.1 edge\r\n'));
    const res = await c.response();
    c.close();
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'Hello, world\n');
    assert.equal(res.headers.connection, undefined, 'the dyno\'s Connection header is not relayed');
    assert.equal(res.headers['keep-alive'], undefined);
    assert.equal(res.headers.via, '1.1 berth');
    const seen = dyno.seen.at(-1)!;
    const h = seen.headers;
    assert.equal(seen.url, '/x?y=1');
    assert.equal(h.host, 'shop.berth.test');
    assert.equal(h['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-port'], String(router.port));
    assert.match(h['x-request-start'] as string, /^\d{13}$/);
    assert.ok(Math.abs(Number(h['x-request-start']) - Date.now()) < 60_000);
    assert.match(h['x-request-id'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(h.via, '1.1 edge, 1.1 berth');
    assert.match(h['connect-time'] as string, /^\d+$/);
    assert.match(h['total-route-time'] as string, /^\d+$/);
    assert.equal(h['x-keep'], 'yes');
    for (const hop of ['x-drop-me', 'keep-alive', 'te', 'proxy-connection']) assert.equal(h[hop], undefined, hop);
  });

  it('keeps a valid client X-Request-Id and replaces an invalid one', async () => {
    const valid = 'a1b2c3d4e5f6a7b8c9d0-req';
    const one = parseResponse(await rawRequest(router.port, get('shop.berth.test', '/', `X-Request-Id: ${valid}\r\nConnection: close\r\n`)));
    assert.equal(one.status, 200);
    assert.equal(dyno.seen.at(-1)!.headers['x-request-id'], valid);
    await rawRequest(router.port, get('shop.berth.test', '/', `X-Request-Id: bad id with spaces!!\r\nConnection: close\r\n`));
    assert.match(dyno.seen.at(-1)!.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
    await rawRequest(router.port, get('shop.berth.test', '/', `X-Request-Id: ${'a'.repeat(201)}\r\nConnection: close\r\n`));
    assert.match(dyno.seen.at(-1)!.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });

  it('reuses the client connection and the dyno connection across requests', async () => {
    const before = dyno.connections;
    const c = new RawClient(router.port);
    for (let i = 0; i < 20; i++) {
      c.send(get('shop.berth.test', `/${i}`));
      assert.equal((await c.response()).status, 200);
    }
    assert.equal(c.closed, false);
    c.close();
    assert.ok(dyno.connections - before <= 1, `opened ${dyno.connections - before} dyno connections for 20 sequential requests`);
  });

  it('answers pipelined requests in order', async () => {
    const c = new RawClient(router.port);
    c.send(get('shop.berth.test', '/p1') + get('shop.berth.test', '/p2') + get('nope.berth.test', '/p3'));
    assert.equal((await c.response()).status, 200);
    assert.equal((await c.response()).status, 200);
    assert.equal((await c.response()).status, 404);
    c.close();
    assert.deepEqual(dyno.seen.slice(-2).map((r) => r.url), ['/p1', '/p2']);
  });

  it('routes exact and wildcard custom domains', async () => {
    for (const host of ['www.shop.example', 'a.wild.example', 'deep.a.wild.example:8080']) {
      const res = parseResponse(await rawRequest(router.port, get(host, '/', 'Connection: close\r\n')));
      assert.equal(res.status, 200, host);
    }
  });

  it('answers an unknown host with a 404 page that names no app', async () => {
    const res = parseResponse(await rawRequest(router.port, get('nope.berth.test', '/', 'Connection: close\r\n')));
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /No such app/);
    assert.doesNotMatch(res.raw, /shop|secret-app/);
  });

  it('logs each request in Heroku\'s router format into the app\'s log', async () => {
    await rawRequest(router.port, get('shop.berth.test', '/logged?q="x"', 'X-Request-Id: log-test-request-id-0001\r\nConnection: close\r\n'));
    const hit = await router.waitForLog(/request_id=log-test-request-id-0001/);
    assert.equal(hit.app, 'shop');
    assert.match(hit.line, /^at=info method=GET path="\/logged\?q=\\"x\\"" host=shop\.berth\.test request_id=log-test-request-id-0001 fwd="127\.0\.0\.1" dyno=web\.1 connect=\d+ms service=\d+ms status=200 bytes=\d+ protocol=http$/);
  });
});
