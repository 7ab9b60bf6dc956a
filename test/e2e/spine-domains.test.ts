import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/capture-io.js';
import type { BerthProcess } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { rsaSelfSigned, throwawayCa, type PemPair, type ThrowawayCa } from '../support/test-certificates.js';

interface Reply {
  status: number;
  body: string;
}

/** A plain HTTP GET through the router with any Host header. */
function routerGet(berth: BerthProcess, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: berth.runtime.router_port, path, agent: false, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const tlsPort = (berth: BerthProcess): number => (berth.runtime as unknown as { router_tls_port: number }).router_tls_port;

/** The certificate the router's TLS port presents for `servername` (no verification). */
function presented(berth: BerthProcess, servername: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: tlsPort(berth), servername, rejectUnauthorized: false, timeout: 10_000 }, () => {
      const peer = socket.getPeerX509Certificate();
      socket.destroy();
      if (peer) resolve(peer);
      else reject(new Error('no peer certificate'));
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

/** An HTTPS GET through the router, verifying the certificate against `ca` for `servername`. */
function routerGetTls(berth: BerthProcess, servername: string, path: string, ca: string, version?: SecureVersion): Promise<Reply> {
  const versions = version ? { minVersion: version, maxVersion: version } : {};
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: tlsPort(berth), servername, ca, path, agent: false, headers: { host: servername }, timeout: 10_000, ...versions }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET https://${servername}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

describe('custom domains and SNI certificates through the router', () => {
  const berth = useBerth();
  let app: string;
  let ca: ThrowawayCa;
  let home: string;
  let pair: PemPair;

  /** The berth CLI in this process, against this Berth, as the admin. */
  async function berthCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const captured = captureIo({ env: { BERTH_API_URL: berth.apiUrl, BERTH_API_KEY: berth.adminKey, HOME: home, BERTH_APP: app }, cwd: home });
    const code = await runCli(argv, captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  before(async () => {
    ca = await throwawayCa();
    berth.onShutDown(() => ca.remove());
    home = await berth.tempDir('domains');
    ({ app } = await berth.deploy('domains', 'procfile-web'));
  });

  it('serves the app at an exact and a wildcard custom domain once they are added', async () => {
    const added = await berthCli(['domains:add', 'www.example.test']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`DNS target ${app}\\.localhost\\.`));
    assert.equal((await berthCli(['domains:add', '*.wild.example.test'])).code, 0);

    for (const host of ['www.example.test', 'anything.wild.example.test', 'WWW.Example.Test:80']) {
      const reply = await waitFor(`the router to serve ${host}`, async () => {
        const r = await routerGet(berth, host, '/custom');
        return r.status === 200 ? r : undefined;
      }, 10_000, 50);
      assert.equal(reply.body, 'procfile-web ok /custom\n');
    }
    const unknown = await routerGet(berth, 'elsewhere.example.test', '/');
    assert.equal(unknown.status, 404);
  });

  it('presents an uploaded certificate for its domain on the TLS port, and serves the app over it', async () => {
    pair = await ca.issue(['www.example.test']);
    await writeFile(join(home, 'www.crt'), pair.cert);
    await writeFile(join(home, 'www.key'), pair.key, { mode: 0o600 });
    const added = await berthCli(['certs:add', 'www.crt', 'www.key']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Serving www\.example\.test with it\./);

    const expected = new X509Certificate(pair.cert);
    const peer = await waitFor('the router to present the uploaded certificate', async () => {
      const cert = await presented(berth, 'www.example.test');
      return cert.fingerprint256 === expected.fingerprint256 ? cert : undefined;
    }, 10_000, 50);
    assert.equal(peer.subject, expected.subject);
    const reply = await routerGetTls(berth, 'www.example.test', '/secure', ca.caCert);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /secure\n');

    const wildcard = await presented(berth, 'x.wild.example.test');
    assert.notEqual(wildcard.fingerprint256, expected.fingerprint256, 'a domain without a certificate gets the default one');
  });

  it('serves an uploaded RSA certificate and the ECDSA one to TLS 1.2 and TLS 1.3 clients alike', async () => {
    assert.equal((await berthCli(['domains:add', 'rsa.example.test'])).code, 0);
    const rsa = await rsaSelfSigned(home, 'rsa.example.test');
    await writeFile(join(home, 'rsa.crt'), rsa.cert);
    await writeFile(join(home, 'rsa.key'), rsa.key, { mode: 0o600 });
    const added = await berthCli(['certs:add', 'rsa.crt', 'rsa.key']);
    assert.equal(added.code, 0, added.stderr);
    const expected = new X509Certificate(rsa.cert);
    await waitFor('the router to present the uploaded RSA certificate', async () => (await presented(berth, 'rsa.example.test')).fingerprint256 === expected.fingerprint256 || undefined, 10_000, 50);
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const viaRsa = await routerGetTls(berth, 'rsa.example.test', `/rsa-${version}`, rsa.cert, version);
      assert.deepEqual(viaRsa, { status: 200, body: `procfile-web ok /rsa-${version}\n` }, `RSA over ${version}`);
      const viaEc = await routerGetTls(berth, 'www.example.test', `/ec-${version}`, ca.caCert, version);
      assert.deepEqual(viaEc, { status: 200, body: `procfile-web ok /ec-${version}\n` }, `ECDSA over ${version}`);
    }
  });

  it('answers the "No such app" page for a domain once it is removed', async () => {
    const removed = await berthCli(['domains:remove', 'www.example.test']);
    assert.equal(removed.code, 0, removed.stderr);
    const reply = await waitFor('the router to forget www.example.test', async () => {
      const r = await routerGet(berth, 'www.example.test', '/');
      return r.status === 404 ? r : undefined;
    }, 10_000, 50);
    assert.match(reply.body, /No such app/);
    const cert = await presented(berth, 'www.example.test');
    assert.notEqual(cert.fingerprint256, new X509Certificate(pair.cert).fingerprint256, 'nor its certificate');
    assert.equal((await routerGet(berth, 'other.wild.example.test', '/')).status, 200, 'the wildcard domain stays');
  });
});
