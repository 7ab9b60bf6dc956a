import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureLocalCa, issueCertificate, PkiError } from '../../src/pki/certificate-authority.js';

let root: string;
before(async () => { root = await mkdtemp(join(tmpdir(), 'berth-pki-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

let counter = 0;
const freshDir = (): string => join(root, `case-${++counter}`, 'tls');

type Probe = { ok: true; body: string } | { ok: false; code: string | undefined };

/** Serve `cert`/`key` on 127.0.0.1 and run `fn` with a client that trusts only `ca`. */
async function withServer<T>(cert: Buffer, key: Buffer, ca: Buffer, fn: (probe: (servername?: string) => Promise<Probe>) => Promise<T>): Promise<T> {
  const server = https.createServer({ cert, key }, (_req, res) => res.end('hello over tls'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const probe = (servername?: string): Promise<Probe> => new Promise((resolve) => {
    const req = https.get({ ca, host: '127.0.0.1', port, path: '/', agent: false, ...(servername ? { servername } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ ok: true, body }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code }));
  });
  try {
    return await fn(probe);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('the local certificate authority', () => {
  test('ensureLocalCa creates a P-256 CA and a server certificate that TLS clients trust for the right names only', async () => {
    const dir = freshDir();
    const pki = await ensureLocalCa(dir, { domain: 'example.test' });

    assert.equal(await modeOf(dir), 0o700);
    assert.equal(await modeOf(pki.caKeyPath), 0o600);
    assert.equal(await modeOf(pki.serverKeyPath), 0o600);
    assert.deepEqual(pki.caCert, await readFile(join(dir, 'ca.crt')));
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')), {
      domain: 'example.test', sans: ['localhost', 'example.test', '*.example.test', '127.0.0.1', '::1'],
    });

    const ca = new X509Certificate(pki.caCert);
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /CN=Berth Local CA/);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const leaf = new X509Certificate(pki.serverCert);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    assert.ok(days > 600 && days <= 825, `server certificate valid for ${days} days`);

    await withServer(pki.serverCert, pki.serverKey, pki.caCert, async (probe) => {
      assert.deepEqual(await probe('localhost'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe('myapp.example.test'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe('example.test'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe(), { ok: true, body: 'hello over tls' }, 'verifies by IP 127.0.0.1');
      assert.deepEqual(await probe('other.invalid'), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });

  test('a second call with the same domain reuses every file byte for byte', async () => {
    const dir = freshDir();
    const first = await ensureLocalCa(dir, { domain: 'example.test' });
    const second = await ensureLocalCa(dir, { domain: 'example.test' });
    assert.deepEqual(second, first);
    assert.deepEqual(await readFile(join(dir, 'ca.key')), await readFile(first.caKeyPath));
  });

  test('changing the domain re-issues only the server certificate, signed by the same CA', async () => {
    const dir = freshDir();
    const before = await ensureLocalCa(dir, { domain: 'example.test' });
    const caKey = await readFile(before.caKeyPath);
    const after = await ensureLocalCa(dir, { domain: 'newdomain.test' });

    assert.deepEqual(after.caCert, before.caCert);
    assert.deepEqual(await readFile(after.caKeyPath), caKey);
    assert.notDeepEqual(after.serverCert, before.serverCert);
    assert.notDeepEqual(after.serverKey, before.serverKey);
    assert.equal(JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')).domain, 'newdomain.test');

    await withServer(after.serverCert, after.serverKey, before.caCert, async (probe) => {
      assert.deepEqual(await probe('api.newdomain.test'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe('newdomain.test'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe('myapp.example.test'), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });

  test('a missing server certificate is re-issued without touching the CA', async () => {
    const dir = freshDir();
    const before = await ensureLocalCa(dir, { domain: 'localhost' });
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')).sans,
      ['localhost', '*.localhost', '127.0.0.1', '::1']);
    await unlink(before.serverCertPath);
    const after = await ensureLocalCa(dir, { domain: 'localhost' });
    assert.deepEqual(after.caCert, before.caCert);
    assert.ok(new X509Certificate(after.serverCert).checkIssued(new X509Certificate(after.caCert)));
    await withServer(after.serverCert, after.serverKey, after.caCert, async (probe) => {
      assert.deepEqual(await probe('localhost'), { ok: true, body: 'hello over tls' });
    });
  });

  test('issueCertificate signs a certificate for its hostname with the same CA', async () => {
    const dir = freshDir();
    const pki = await ensureLocalCa(dir, { domain: 'example.test' });
    const git = await issueCertificate(dir, 'git', ['git.example.test']);

    assert.equal(git.certPath, join(dir, 'git.crt'));
    assert.equal(await modeOf(git.keyPath), 0o600);
    assert.deepEqual(await readFile(pki.caCertPath), pki.caCert);
    assert.deepEqual(await readFile(pki.serverCertPath), pki.serverCert, 'server certificate untouched');

    await withServer(git.cert, git.key, pki.caCert, async (probe) => {
      assert.deepEqual(await probe('git.example.test'), { ok: true, body: 'hello over tls' });
      assert.deepEqual(await probe('myapp.example.test'), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });

  test('issueCertificate refuses to overwrite the CA or to work without one', async () => {
    const dir = freshDir();
    await assert.rejects(issueCertificate(dir, 'git', ['git.example.test']), PkiError);
    await ensureLocalCa(dir, { domain: 'example.test' });
    await assert.rejects(issueCertificate(dir, 'ca', ['evil.test']), PkiError);
    await assert.rejects(issueCertificate(dir, 'x', ['bad host\nname']), PkiError);
  });
});
