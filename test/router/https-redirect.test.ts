import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCa } from '../../src/pki/certificate-authority.js';
import { app, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';

describe('force-https, HSTS and ACME challenges in the router', () => {
  let dir: string;
  let ca: Buffer;
  let dyno: TestBackend;
  let router: TestRouter;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-router-https-'));
    const pki = await ensureLocalCa(dir, { domain: 'berth.test' });
    ca = pki.caCert;
    dyno = await startBackend((req, res) => {
      if (req.url === '/own-hsts') res.setHeader('strict-transport-security', 'max-age=60');
      res.end(`dyno ${req.method} ${req.url}`);
    });
    router = await startTestRouter([
      app('secure', [up(dyno.port)], { forceHttps: true, hsts: true, domains: ['www.secure.example'], acmeChallenges: { 'tok-1': 'tok-1.thumbprint' } }),
      app('plain', [up(dyno.port)]),
      app('hstsonly', [up(dyno.port)], { hsts: true }),
    ], {}, { tlsPort: 0, tls: { cert: pki.serverCert.toString(), key: pki.serverKey.toString() } });
  });
  after(async () => {
    await router.stop();
    await dyno.close();
    await rm(dir, { recursive: true, force: true });
  });

  const plain = async (head: string) => parseResponse(await rawRequest(router.port, head));
  const overTls = (host: string, path = '/'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: router.ports.https, servername: host, ca, agent: false, headers: { host }, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`no HTTPS answer for ${host} within 10 s`)));
      req.on('error', reject);
      req.end();
    });

  it('redirects a plain-HTTP GET of a force-https app with 301 to the same host and path over HTTPS, and logs it', async () => {
    const res = await plain('GET /cart?id=7 HTTP/1.1\r\nHost: secure.berth.test\r\nConnection: close\r\n\r\n');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, `https://secure.berth.test:${router.ports.https}/cart?id=7`);
    assert.equal(dyno.seen.filter((r) => r.url === '/cart?id=7').length, 0, 'the dyno never saw the plain request');
    await router.waitForLog(/method=GET path="\/cart\?id=7" host=secure\.berth\.test .* status=301 .*protocol=http/);
  });

  it('redirects other methods with 308, so the client repeats the method and body', async () => {
    const res = await plain('POST /orders HTTP/1.1\r\nHost: www.secure.example\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    assert.equal(res.status, 308);
    assert.equal(res.headers.location, `https://www.secure.example:${router.ports.https}/orders`);
  });

  it('answers a pending ACME challenge on plain HTTP before redirecting, as text/plain', async () => {
    const res = await plain('GET /.well-known/acme-challenge/tok-1 HTTP/1.1\r\nHost: www.secure.example\r\nConnection: close\r\n\r\n');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'tok-1.thumbprint');
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
  });

  it('treats an unknown challenge token like any other path (redirected here; another app’s dynos would get it)', async () => {
    assert.equal((await plain('GET /.well-known/acme-challenge/nope HTTP/1.1\r\nHost: secure.berth.test\r\nConnection: close\r\n\r\n')).status, 301);
    const other = await plain('GET /.well-known/acme-challenge/tok-1 HTTP/1.1\r\nHost: plain.berth.test\r\nConnection: close\r\n\r\n');
    assert.equal(other.status, 200);
    assert.equal(other.body.toString(), 'dyno GET /.well-known/acme-challenge/tok-1', 'a token of another app is not answered for this one');
  });

  it('serves HTTPS requests of a force-https app from its dynos, with Strict-Transport-Security when hsts is on', async () => {
    const res = await overTls('secure.berth.test', '/cart');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'dyno GET /cart');
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
  });

  it('keeps an app’s own Strict-Transport-Security header rather than adding a second one', async () => {
    const res = await overTls('secure.berth.test', '/own-hsts');
    assert.equal(res.headers['strict-transport-security'], 'max-age=60');
  });

  it('never adds Strict-Transport-Security to plain HTTP, nor for an app without hsts', async () => {
    const overHttp = await plain('GET / HTTP/1.1\r\nHost: hstsonly.berth.test\r\nConnection: close\r\n\r\n');
    assert.equal(overHttp.status, 200);
    assert.equal(overHttp.headers['strict-transport-security'], undefined);
    const without = await overTls('plain.berth.test');
    assert.equal(without.status, 200);
    assert.equal(without.headers['strict-transport-security'], undefined);
  });

  it('leaves plain HTTP of an app without force-https to its dynos', async () => {
    const res = await plain('GET /hello HTTP/1.1\r\nHost: plain.berth.test\r\nConnection: close\r\n\r\n');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'dyno GET /hello');
  });
});
