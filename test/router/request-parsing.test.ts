import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedFramer, FRAMER_ERROR, FRAMER_NEED_MORE } from '../../src/router/chunked-framer.js';
import { parseRequestHead, type HeadError, type RequestHead } from '../../src/router/request-head.js';
import { parseResponseHead } from '../../src/router/response-head.js';

const limits = { maxRequestLineBytes: 8192, maxHeaderLineBytes: 8192, maxHeaders: 1000 };
const parse = (lines: string[]) => parseRequestHead(lines.join('\r\n'), limits);
const ok = (lines: string[]) => {
  const r = parse(lines);
  assert.ok(!('code' in r), `expected a valid head, got ${JSON.stringify(r)}`);
  return r as RequestHead;
};
const bad = (lines: string[]) => {
  const r = parse(lines);
  assert.ok('code' in r, `expected a rejection for ${JSON.stringify(lines)}`);
  return r as HeadError;
};

describe('request head parsing', () => {
  it('splits routing fields from forwarded headers and drops hop-by-hop ones', () => {
    const r = ok(['POST /a?b=1 HTTP/1.1', 'Host: Shop.Berth.Test:8080', 'X-Forwarded-For: 1.2.3.4', 'Connection: keep-alive, X-Secret',
      'X-Secret: 1', 'Keep-Alive: timeout=5', 'TE: trailers', 'Content-Length: 5', 'Accept: */*', 'X-Request-Id: abc']);
    assert.equal(r.method, 'POST');
    assert.equal(r.target, '/a?b=1');
    assert.equal(r.hostKey, 'shop.berth.test');
    assert.equal(r.contentLength, 5);
    assert.equal(r.xForwardedFor, '1.2.3.4');
    assert.equal(r.xRequestId, 'abc');
    assert.equal(r.forward, 'Accept: */*\r\n');
    assert.equal(r.keepAlive, true);
  });

  it('keeps HTTP/1.0 connections only with Connection: keep-alive', () => {
    assert.equal(ok(['GET / HTTP/1.0', 'Host: a.test']).keepAlive, false);
    assert.equal(ok(['GET / HTTP/1.0', 'Host: a.test', 'Connection: keep-alive']).keepAlive, true);
    assert.equal(ok(['GET / HTTP/1.1', 'Host: a.test', 'Connection: close']).keepAlive, false);
  });

  it('reduces an absolute-form target to its path and routes by its authority', () => {
    const r = ok(['GET http://Shop.berth.test/x HTTP/1.1', 'Host: other.test']);
    assert.equal(r.target, '/x');
    assert.equal(r.hostKey, 'shop.berth.test');
  });

  it('rejects request smuggling shapes', () => {
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Content-Length: 5', 'Transfer-Encoding: chunked']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Content-Length: 5', 'Content-Length: 6']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Content-Length: 5, 6']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Content-Length: -1']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Transfer-Encoding: chunked, gzip']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.1', 'Host: a.test', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']).code, 'H26');
    assert.equal(bad(['POST / HTTP/1.0', 'Host: a.test', 'Transfer-Encoding: chunked']).code, 'H26');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', 'X-A: 1', ' folded']).code, 'H26');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', 'X-A : 1']).code, 'H26');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', 'X-A: 1\nInjected: 2']).code, 'H26');
    assert.equal(ok(['POST / HTTP/1.1', 'Host: a.test', 'Content-Length: 5', 'Content-Length: 5']).contentLength, 5);
  });

  it('rejects bad request lines, hosts, CONNECT and unknown expectations', () => {
    for (const line of ['GET /', 'GET  / HTTP/1.1', 'GET / HTTP/2.0', 'G(T / HTTP/1.1', 'GET /a b HTTP/1.1', 'GET nope HTTP/1.1']) {
      assert.equal(bad([line, 'Host: a.test']).code, 'H26', line);
    }
    assert.equal(bad(['GET / HTTP/1.1']).reason, 'The Host header is missing');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', 'Host: b.test']).code, 'H26');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a b']).code, 'H26');
    assert.equal(bad(['CONNECT a.test:443 HTTP/1.1', 'Host: a.test']).code, 'H26');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', 'Expect: magic']).status, 417);
  });

  it('rejects oversized lines and too many headers with H25', () => {
    assert.equal(bad([`GET /${'a'.repeat(9000)} HTTP/1.1`, 'Host: a.test']).code, 'H25');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', `X-Big: ${'a'.repeat(9000)}`]).code, 'H25');
    assert.equal(bad(['GET / HTTP/1.1', 'Host: a.test', ...Array.from({ length: 1001 }, (_, i) => `X-${i}: 1`)]).code, 'H25');
  });
});

describe('response head parsing', () => {
  it('frames by chunked over Content-Length and never reuses such a connection', () => {
    const r = parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked');
    assert.ok(typeof r !== 'string');
    assert.equal(r.chunked, true);
    assert.equal(r.contentLength, -1);
    assert.equal(r.close, true);
  });

  it('reads the dyno keep-alive timeout and strips hop-by-hop headers', () => {
    const r = parseResponseHead('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nSet-Cookie: a=1\r\nContent-Length: 0');
    assert.ok(typeof r !== 'string');
    assert.equal(r.keepAliveMs, 5000);
    assert.equal(r.forward, 'Set-Cookie: a=1\r\n');
  });

  it('drops Set-Cookie Domain attributes naming the Berth domain or a parent, keeping the cookie', () => {
    const head = [
      'HTTP/1.1 200 OK',
      'Set-Cookie: all=1; Domain=berth.test; Path=/',
      'set-cookie: dotted=1; path=/; domain=.BERTH.test; HttpOnly',
      'Set-Cookie: parent=1; Domain=test',
      'Set-Cookie: own=1; Domain=shop.berth.test',
      'Set-Cookie: plain=1',
      'Set-Cookie: custom=1; Domain=shop.example',
      'Content-Length: 0',
    ].join('\r\n');
    const r = parseResponseHead(head, 'berth.test');
    assert.ok(typeof r !== 'string');
    assert.equal(
      r.forward,
      'Set-Cookie: all=1; Path=/\r\nset-cookie: dotted=1; path=/; HttpOnly\r\nSet-Cookie: parent=1\r\n' +
        'Set-Cookie: own=1; Domain=shop.berth.test\r\nSet-Cookie: plain=1\r\nSet-Cookie: custom=1; Domain=shop.example\r\n',
    );
    const untouched = parseResponseHead(head);
    assert.ok(typeof untouched !== 'string');
    assert.match(untouched.forward, /all=1; Domain=berth\.test; Path=\//);
  });

  it('rejects garbage', () => {
    for (const text of ['garbage', 'HTTP/1.1 20 OK', 'HTTP/1.1 200 OK\r\nBad Header', 'HTTP/1.1 200 OK\r\n folded: x', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2']) {
      assert.equal(typeof parseResponseHead(text), 'string', text);
    }
  });
});

describe('chunked framing', () => {
  it('finds the end of a chunked body split anywhere, including trailers', () => {
    const body = Buffer.from('5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT');
    for (let cut = 1; cut < body.length - 4; cut++) {
      const f = new ChunkedFramer();
      const first = f.feed(body, 0, cut);
      const end = first >= 0 ? first : f.feed(body, cut, body.length);
      assert.equal(end, body.length - 4, `cut at ${cut}`);
    }
  });

  it('decodes for HTTP/1.0 clients', () => {
    const out: string[] = [];
    const f = new ChunkedFramer((b, s, e) => out.push(b.toString('latin1', s, e)));
    const body = Buffer.from('3\r\nabc\r\n0\r\n\r\n');
    assert.equal(f.feed(body, 0, body.length), body.length);
    assert.equal(out.join(''), 'abc');
  });

  it('rejects bad chunk sizes and missing CRLFs', () => {
    for (const text of ['z\r\n', '5 \r\nhello\r\n', '-1\r\n', '5\r\nhelloXX', '5\nhello\r\n', `${'f'.repeat(14)}\r\n`, '\r\n']) {
      assert.equal(new ChunkedFramer().feed(Buffer.from(text), 0, text.length), FRAMER_ERROR, JSON.stringify(text));
    }
    assert.equal(new ChunkedFramer().feed(Buffer.from('5\r\nhel'), 0, 6), FRAMER_NEED_MORE);
  });
});
