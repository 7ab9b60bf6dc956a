import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApiServers } from '../../src/main/api-servers.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { SecureVersion, TLSSocket } from 'node:tls';
import { rsaSelfSigned, throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Everything the server sends until it closes the connection. */
async function untilClosed(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

describe('the API listeners', () => {
  let http: Server;
  let port: number;
  const open: Socket[] = [];
  let ca: ThrowawayCa;
  before(async () => {
    ca = await throwawayCa();
    const tls = await ca.issue(['api.berth.test']);
    ({ http } = createApiServers(tls, { headersTimeoutMs: 400, maxConnections: 2, checkEveryMs: 100 }));
    http.on('request', (_req, res) => res.end('ok'));
    port = await listen(http);
  });
  after(async () => {
    for (const s of open) s.destroy();
    http.closeAllConnections();
    http.close();
    await ca.remove();
  });

  it('close a connection whose request head does not arrive in time, with 408', async () => {
    const slow = connect(port, '127.0.0.1');
    open.push(slow);
    await once(slow, 'connect');
    slow.write('GET /account HTTP/1.1\r\nHost: api\r\nX-Slow: ');
    assert.match(await untilClosed(slow), /^HTTP\/1\.1 408 /);
  });

  it('close connections beyond the cap at once, and accept again when one is gone', async () => {
    const a = connect(port, '127.0.0.1');
    const b = connect(port, '127.0.0.1');
    open.push(a, b);
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    a.write('GET / HTTP/1.1\r\nHost: api\r\n\r\n');
    await once(a, 'data'); // both are now counted by the server
    const third = connect(port, '127.0.0.1');
    open.push(third);
    third.on('error', () => undefined);
    third.write('GET / HTTP/1.1\r\nHost: api\r\n\r\n');
    assert.equal(await untilClosed(third), '', 'the third connection got no answer');
    a.destroy();
    await once(a, 'close');
    let answered = '';
    for (let attempt = 0; attempt < 50 && !answered.includes('200 OK'); attempt++) {
      const again = connect(port, '127.0.0.1');
      open.push(again);
      again.on('error', () => undefined);
      again.write('GET / HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n');
      answered = await untilClosed(again);
    }
    assert.match(answered, /^HTTP\/1\.1 200 OK/);
  });
});

describe('the API\'s HTTPS listener', () => {
  let dir: string;
  let ca: ThrowawayCa;
  const servers: HttpsServer[] = [];
  const certificates: Record<'RSA' | 'EC', { cert: string; key: string }> = { RSA: { cert: '', key: '' }, EC: { cert: '', key: '' } };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-api-tls-'));
    ca = await throwawayCa();
    certificates.EC = await ca.issue(['api.berth.test']);
    certificates.RSA = await rsaSelfSigned(dir, 'api.berth.test');
  });
  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await ca.remove();
    await rm(dir, { recursive: true, force: true });
  });

  for (const keyType of ['RSA', 'EC'] as const) {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      it(`serves an ${keyType} certificate to a ${version} client`, async () => {
        const { https } = createApiServers(certificates[keyType]);
        servers.push(https);
        https.on('request', (_req, res) => res.end('ok'));
        https.listen(0, '127.0.0.1');
        await once(https, 'listening');
        const port = (https.address() as AddressInfo).port;
        const trust = keyType === 'RSA' ? certificates.RSA.cert : ca.caCert;
        const answer = await new Promise<{ body: string; protocol: string | null; ec: boolean }>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port, servername: 'api.berth.test', ca: trust, agent: false, minVersion: version as SecureVersion, maxVersion: version as SecureVersion, path: '/' }, (res) => {
            const socket = res.socket as TLSSocket;
            const meta = { protocol: socket.getProtocol(), ec: Boolean(socket.getPeerCertificate().asn1Curve) };
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ body, ...meta }));
          });
          req.setTimeout(10_000, () => req.destroy(new Error('no answer over TLS within 10 s')));
          req.on('error', reject);
          req.end();
        });
        assert.deepEqual(answer, { body: 'ok', protocol: version, ec: keyType === 'EC' });
      });
    }
  }
});
