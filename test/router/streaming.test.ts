import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RawClient, app, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';
import { waitFor } from '../support/wait.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('streaming bodies through the router', () => {
  let dyno: TestBackend;
  let router: TestRouter;
  let tick: (() => void) | null = null;
  before(async () => {
    dyno = await startBackend((req, res) => {
      if (req.url === '/echo') {
        // Streams the request body back (chunked) while it is still arriving.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-seen-te': String(req.headers['transfer-encoding']), 'x-seen-cl': String(req.headers['content-length']) });
        req.pipe(res);
        return;
      }
      if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        tick = () => res.end('second');
        return;
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-length': String(1024 * 1024) });
        res.end(Buffer.alloc(1024 * 1024, 7));
        return;
      }
      if (req.url === '/continue') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => res.end(`got ${Buffer.concat(chunks).length}`));
        return;
      }
      res.end('ok');
    });
    router = await startTestRouter([app('stream', [up(dyno.port)])], { responseTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
  });
  after(async () => {
    await router.stop();
    await dyno.close();
  });

  it('streams a chunked upload to the dyno and the dyno\'s chunked answer back, 1 MB each way', async () => {
    const payload = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request({ port: router.port, host: '127.0.0.1', method: 'POST', path: '/echo', headers: { host: 'stream.berth.test', 'transfer-encoding': 'chunked' }, agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      for (let off = 0; off < payload.length; off += 64 * 1024) req.write(payload.subarray(off, off + 64 * 1024));
      req.end();
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-seen-te'], 'chunked');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.body.length, payload.length);
    assert.equal(sha(res.body), sha(payload));
  });

  it('relays the first part of a streamed answer before the dyno finishes it', async () => {
    const c = new RawClient(router.port);
    c.send('GET /drip HTTP/1.1\r\nHost: stream.berth.test\r\n\r\n');
    let seen = '';
    c.socket.on('data', (d: Buffer) => (seen += d.toString('latin1')));
    await waitFor('the first part of the streamed answer', () => seen.includes('first;'));
    assert.match(seen, /first;/);
    assert.doesNotMatch(seen, /second/);
    tick?.();
    const res = await c.response();
    assert.equal(res.body.toString(), 'first;second');
    c.close();
  });

  it('relays 100 Continue from the dyno before the client sends its body', async () => {
    const c = new RawClient(router.port);
    c.send('POST /continue HTTP/1.1\r\nHost: stream.berth.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    const interim = await c.response();
    assert.equal(interim.status, 100);
    c.send('hello');
    const res = await c.response();
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'got 5');
    c.close();
  });

  it('passes a Content-Length upload and a 1 MB answer through a kept-alive connection', async () => {
    const c = new RawClient(router.port);
    c.send('POST /echo HTTP/1.1\r\nHost: stream.berth.test\r\nContent-Length: 11\r\n\r\nhello world');
    const one = await c.response();
    assert.equal(one.body.toString(), 'hello world');
    assert.equal(one.headers['x-seen-cl'], '11');
    c.send('GET /big HTTP/1.1\r\nHost: stream.berth.test\r\n\r\n');
    const two = await c.response();
    assert.equal(two.body.length, 1024 * 1024);
    c.close();
  });

  it('decodes a chunked answer for an HTTP/1.0 client and closes the connection after it', async () => {
    const res = parseResponse(await rawRequest(router.port, 'POST /echo HTTP/1.0\r\nHost: stream.berth.test\r\nContent-Length: 4\r\n\r\nabcd'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['transfer-encoding'], undefined);
    assert.equal(res.headers.connection, 'close');
    assert.equal(res.body.toString(), 'abcd');
  });

  it('answers HEAD without a body and keeps the connection usable', async () => {
    const c = new RawClient(router.port);
    c.send('HEAD /big HTTP/1.1\r\nHost: stream.berth.test\r\n\r\n');
    const head = await c.response(3_000, true);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(1024 * 1024));
    c.send('GET /plain HTTP/1.1\r\nHost: stream.berth.test\r\n\r\n');
    assert.equal((await c.response()).body.toString(), 'ok');
    c.close();
  });
});
