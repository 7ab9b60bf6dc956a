import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApiServers } from '../../src/main/api-servers.js';
import { throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';

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
