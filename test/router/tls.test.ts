import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCa, issueCertificate } from '../../src/pki/certificate-authority.js';
import { app, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';

interface TlsAnswer {
  status: number;
  body: string;
  san: string;
}

describe('HTTPS with SNI', () => {
  let dir: string;
  let ca: Buffer;
  let dyno: TestBackend;
  let router: TestRouter;
  const resolved: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-router-tls-'));
    const pki = await ensureLocalCa(dir, { domain: 'berth.test' });
    ca = pki.caCert;
    const custom = await issueCertificate(dir, 'custom', ['www.custom.example']);
    dyno = await startBackend((req, res) => res.end(`${req.headers['x-forwarded-proto']} ${req.headers['x-forwarded-port']}`));
    router = await startTestRouter([app('shop', [up(dyno.port)], { domains: ['www.custom.example'] })], {}, {
      tlsPort: 0,
      tls: {
        cert: pki.serverCert.toString(),
        key: pki.serverKey.toString(),
        resolveCertificate: async (name) => {
          resolved.push(name);
          return name === 'www.custom.example' ? { cert: custom.cert.toString(), key: custom.key.toString() } : undefined;
        },
      },
    });
  });
  after(async () => {
    await router.stop();
    await dyno.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fetchTls = (servername: string): Promise<TlsAnswer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: router.ports.https, servername, ca, agent: false, headers: { host: servername }, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, san: (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '' }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves the default certificate for <app>.<domain> and tells the dyno the request was HTTPS', async () => {
    const res = await fetchTls('shop.berth.test');
    assert.equal(res.status, 200);
    assert.match(res.san, /DNS:\*\.berth\.test/);
    assert.equal(res.body, `https ${router.ports.https}`);
  });

  it('serves a custom domain\'s own certificate, chosen by SNI', async () => {
    const res = await fetchTls('www.custom.example');
    assert.equal(res.status, 200);
    assert.equal(res.san, 'DNS:www.custom.example');
  });

  it('asks the certificate resolver once per name and caches the answer', async () => {
    const before = resolved.filter((n) => n === 'www.custom.example').length;
    for (let i = 0; i < 3; i++) await fetchTls('www.custom.example');
    assert.equal(resolved.filter((n) => n === 'www.custom.example').length, before);
    assert.ok(before >= 1);
  });

  it('logs HTTPS requests with protocol=https', async () => {
    await fetchTls('shop.berth.test');
    await router.waitForLog(/host=shop\.berth\.test .*protocol=https$/);
  });
});
