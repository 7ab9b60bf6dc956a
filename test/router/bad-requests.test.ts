import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { RawClient, app, get, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';
import { waitFor } from '../support/wait.js';

describe('bad requests and smuggling attempts', () => {
  let dyno: TestBackend;
  let router: TestRouter;
  before(async () => {
    dyno = await startBackend((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).length}`));
    });
    router = await startTestRouter([app('shop', [up(dyno.port)])]);
  });
  after(async () => {
    await router.stop();
    await dyno.close();
  });

  /** Sends raw bytes; expects one error answer, a closed connection, and no request at the dyno. */
  async function rejected(bytes: string | Array<string | Buffer>, status: number, code: string) {
    const seen = dyno.seen.length;
    const res = parseResponse(await rawRequest(router.port, bytes));
    assert.equal(res.status, status, res.raw.slice(0, 200));
    assert.equal(res.headers.connection, 'close');
    await router.waitForLog(new RegExp(`code=${code} .*status=${status} `));
    assert.equal(dyno.seen.length, seen, 'nothing reached the dyno');
    return res;
  }

  it('rejects Content-Length together with Transfer-Encoding (CL.TE / TE.CL smuggling)', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: shop.berth.test\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG', 400, 'H26');
  });

  it('rejects differing duplicate Content-Length headers', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: shop.berth.test\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc', 400, 'H26');
  });

  it('rejects obsolete line folding', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: shop.berth.test\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n', 400, 'H26');
  });

  it('rejects a bad chunk size with 400 and forwards no smuggled request', async () => {
    const res = parseResponse(await rawRequest(router.port, 'POST /c HTTP/1.1\r\nHost: shop.berth.test\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: shop.berth.test\r\n\r\n'));
    assert.equal(res.status, 400);
    await router.waitForLog(/code=H26 .*status=400 /);
    assert.ok(!dyno.seen.some((r) => r.url === '/smuggled'));
  });

  it('rejects a malformed request line and a missing or invalid Host', async () => {
    await rejected('GARBAGE\r\n\r\n', 400, 'H26');
    await rejected('GET / HTTP/1.1\r\n\r\n', 400, 'H26');
    await rejected('GET / HTTP/1.1\r\nHost: bad host!\r\n\r\n', 400, 'H26');
    await rejected('GET / HTTP/1.1\nHost: shop.berth.test\n\n', 400, 'H26');
  });

  it('answers 417 to an Expect other than 100-continue', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: shop.berth.test\r\nExpect: magic\r\n\r\n', 417, 'H26');
  });

  it('answers 431 to a header line over 8 KB and to headers over 32 KB', async () => {
    await rejected(`GET / HTTP/1.1\r\nHost: shop.berth.test\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`, 431, 'H25');
    const many = Array.from({ length: 10 }, (_, i) => `X-H${i}: ${'b'.repeat(4000)}\r\n`).join('');
    await rejected(`GET / HTTP/1.1\r\nHost: shop.berth.test\r\n${many}\r\n`, 431, 'H25');
  });

  it('answers a 1 MB header with 431 as soon as the limit is passed, without reading it all', async () => {
    const huge = `GET / HTTP/1.1\r\nHost: shop.berth.test\r\nCookie: ${'c'.repeat(1024 * 1024)}\r\n\r\n`;
    await rejected(huge, 431, 'H25');
    assert.equal(parseResponse(await rawRequest(router.port, get('shop.berth.test', '/', 'Connection: close\r\n'))).status, 200, 'the router still serves');
  });

  it('H28: closes a slowloris client after the header timeout while serving others', async () => {
    const slow = new RawClient(router.port);
    await slow.ready();
    slow.send('GET / HTTP/1.1\r\nHost: shop.berth.test\r\n');
    for (let i = 0; i < 3; i++) {
      await pause(100); // a slowloris trickles its header lines
      slow.send(`X-Slow-${i}: 1\r\n`);
      const other = parseResponse(await rawRequest(router.port, get('shop.berth.test', '/', 'Connection: close\r\n')));
      assert.equal(other.status, 200);
    }
    const res = await slow.response(2_000);
    assert.equal(res.status, 408);
    assert.ok(await slow.closedByPeer());
    await router.waitForLog(/code=H28 desc="Client Connection Idle"/);
  });

  it('closes an idle new connection that never sends a request', async () => {
    const idle = new RawClient(router.port);
    await idle.ready();
    assert.ok(await idle.closedByPeer());
  });

  it('H27: logs a client that goes away before the answer and aborts the dyno-side request', async () => {
    const slowDyno = await startBackend((_req, res) => setTimeout(() => res.end('late'), 2_000));
    router.update({ upsert: [app('slow', [up(slowDyno.port)])] });
    const c = new RawClient(router.port);
    c.send(get('slow.berth.test', '/bye'));
    await waitFor('the slow dyno to get the request', () => slowDyno.seen.length > 0);
    c.close();
    await slowDyno.closed[0];
    const log = await router.waitForLog(/code=H27 /);
    assert.equal(log.app, 'slow');
    assert.match(log.line, /desc="Client Request Interrupted" method=GET path="\/bye" .*status=499 bytes=0 /);
    await slowDyno.close();
  });
});
