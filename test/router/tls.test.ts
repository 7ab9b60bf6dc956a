import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type SecureVersion, type TLSSocket } from 'node:tls';
import { connect as connectTcp } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCa, issueCertificate } from '../../src/pki/certificate-authority.js';
import { rsaSelfSigned } from '../support/test-certificates.js';
import { app, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';

interface TlsAnswer {
  status: number;
  body: string;
  san: string;
  protocol: string | null;
  /** `RSA` or `EC`: the served certificate's key type. */
  keyType: string;
  alpn: string | false | null;
}

describe('HTTPS with SNI', () => {
  let dir: string;
  let ca: Array<Buffer | string>;
  let dyno: TestBackend;
  let router: TestRouter;
  const resolved: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-router-tls-'));
    const pki = await ensureLocalCa(dir, { domain: 'berth.test' });
    const custom = await issueCertificate(dir, 'custom', ['www.custom.example']);
    const rsa = await rsaSelfSigned(dir, 'rsa.custom.example');
    ca = [pki.caCert, rsa.cert];
    dyno = await startBackend((req, res) => res.end(`${req.headers['x-forwarded-proto']} ${req.headers['x-forwarded-port']}`));
    router = await startTestRouter([app('shop', [up(dyno.port)], { domains: ['www.custom.example', 'rsa.custom.example'] })], {}, {
      tlsPort: 0,
      tls: {
        cert: pki.serverCert.toString(),
        key: pki.serverKey.toString(),
        resolveCertificate: async (name) => {
          resolved.push(name);
          if (name === 'rsa.custom.example') return rsa;
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

  const fetchTls = (servername: string, version?: SecureVersion): Promise<TlsAnswer> =>
    new Promise((resolve, reject) => {
      const versions = version ? { minVersion: version, maxVersion: version } : {};
      const req = request({ host: '127.0.0.1', port: router.ports.https, servername, ca, agent: false, headers: { host: servername }, path: '/', ...versions }, (res) => {
        let body = '';
        const socket = res.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const answer = { san: peer.subjectaltname ?? '', protocol: socket.getProtocol(), keyType: peer.asn1Curve ? 'EC' : peer.modulus ? 'RSA' : 'unknown', alpn: socket.alpnProtocol };
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...answer }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`no answer from the router over TLS for ${servername} within 10 s`)));
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

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    for (const [keyType, name] of [['RSA', 'rsa.custom.example'], ['EC', 'www.custom.example']] as const) {
      it(`serves an uploaded ${keyType} certificate to a ${version} client (the default certificate is ECDSA)`, async () => {
        const res = await fetchTls(name, version);
        assert.equal(res.status, 200);
        assert.equal(res.protocol, version);
        assert.equal(res.san, `DNS:${name}`);
        assert.equal(res.keyType, keyType);
        assert.equal(res.alpn, false, 'the client offered no ALPN');
      });
    }
  }

  it('serves the default certificate to a client that sends no server name', async () => {
    const res = await new Promise<{ san: string; protocol: string | null }>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: router.ports.https as number, ca, checkServerIdentity: () => undefined }, () => {
        resolve({ san: socket.getPeerCertificate().subjectaltname ?? '', protocol: socket.getProtocol() });
        socket.destroy();
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
      socket.on('error', reject);
    });
    assert.match(res.san, /DNS:\*\.berth\.test/);
    assert.equal(res.protocol, 'TLSv1.3');
  });

  it('negotiates http/1.1 by ALPN', async () => {
    const alpn = await new Promise<string | false | null>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: router.ports.https as number, servername: 'rsa.custom.example', ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
        resolve(socket.alpnProtocol);
        socket.destroy();
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
      socket.on('error', reject);
    });
    assert.equal(alpn, 'http/1.1');
  });

  it('closes a connection that sends garbage instead of a ClientHello, and keeps serving', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(router.ports.https as number, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: shop.berth.test\r\n\r\n'));
      socket.setTimeout(10_000, () => {
        resolve(false);
        socket.destroy();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(true));
    });
    assert.ok(closed, 'the router kept a connection open for 10 s after garbage instead of a ClientHello');
    assert.equal((await fetchTls('rsa.custom.example', 'TLSv1.3')).status, 200);
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
