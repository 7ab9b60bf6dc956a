// The bad-input corpus, router part: hostile bytes a client sends to the routing mesh. Each is
// answered with an H-coded error, the connection closes, and nothing reaches the dyno; the
// router keeps serving the next honest request. (test/router/bad-requests.test.ts explains each
// defence in depth; this table is the regression list.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { app, get, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from '../router/harness.js';

const HOST = 'Host: shop.berth.test\r\n';

/** `streamed`: the head was valid, so the router had already forwarded it when the body broke: the
 *  dyno may see that one request (its body cut short), and nothing smuggled after it. */
const CASES: Array<{ name: string; bytes: string | Buffer; status: number; streamed?: true }> = [
  { name: 'Content-Length with Transfer-Encoding (smuggling)', bytes: `POST / HTTP/1.1\r\n${HOST}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`, status: 400 },
  { name: 'two different Content-Lengths', bytes: `POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc`, status: 400 },
  { name: 'a Transfer-Encoding that is not chunked last', bytes: `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, gzip\r\n\r\n`, status: 400 },
  { name: 'a chunk size that is not hex', bytes: `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nzz\r\nGET /smuggled HTTP/1.1\r\n${HOST}\r\n`, status: 400, streamed: true },
  { name: 'obsolete line folding', bytes: `GET / HTTP/1.1\r\n${HOST}X-A: 1\r\n continued\r\n\r\n`, status: 400 },
  { name: 'a NUL byte in a header value', bytes: `GET / HTTP/1.1\r\n${HOST}X-A: a\u0000b\r\n\r\n`, status: 400 },
  { name: 'a bare LF line ending inside the head', bytes: `GET / HTTP/1.1\r\n${HOST}X-A: 1\nX-B: 2\r\n\r\n`, status: 400 },
  { name: 'a space before the colon', bytes: `GET / HTTP/1.1\r\n${HOST}X-A : 1\r\n\r\n`, status: 400 },
  { name: 'no Host header', bytes: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'two Host headers', bytes: `GET / HTTP/1.1\r\n${HOST}Host: other.berth.test\r\n\r\n`, status: 400 },
  { name: 'a request line with a tab', bytes: `GET\t/ HTTP/1.1\r\n${HOST}\r\n`, status: 400 },
  { name: 'an unknown HTTP version', bytes: `GET / HTTP/3.7\r\n${HOST}\r\n`, status: 400 },
  { name: 'a header line over 8 KB', bytes: `GET / HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(9000)}\r\n\r\n`, status: 431 },
  { name: 'headers over 32 KB in all', bytes: `GET / HTTP/1.1\r\n${HOST}${Array.from({ length: 10 }, (_, i) => `X-${i}: ${'b'.repeat(4000)}\r\n`).join('')}\r\n`, status: 431 },
  { name: 'an Expect other than 100-continue', bytes: `POST / HTTP/1.1\r\n${HOST}Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx`, status: 417 },
];

describe('hostile router requests', () => {
  let dyno: TestBackend;
  let router: TestRouter;
  before(async () => {
    dyno = await startBackend();
    router = await startTestRouter([app('shop', [up(dyno.port)])]);
  });
  after(async () => {
    await router.stop();
    await dyno.close();
  });

  for (const c of CASES) {
    it(`answers ${c.name} with ${c.status}, closes, forwards nothing, and keeps serving`, async () => {
      const seen = dyno.seen.length;
      const res = parseResponse(await rawRequest(router.port, c.bytes));
      assert.equal(res.status, c.status, res.raw.slice(0, 200));
      assert.equal(res.headers.connection, 'close');
      const reached = dyno.seen.slice(seen).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(reached, c.streamed ? reached.filter((r) => r === 'POST /').slice(0, 1) : [], 'nothing (smuggled) reached the dyno');
      assert.ok(!reached.some((r) => r.includes('smuggled')), 'no smuggled request reached the dyno');
      assert.equal(parseResponse(await rawRequest(router.port, get('shop.berth.test', '/', 'Connection: close\r\n'))).status, 200);
    });
  }
});
