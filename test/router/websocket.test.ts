import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RawClient, app, startTestRouter, up, type TestRouter } from './harness.js';
import { waitFor } from '../support/wait.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A text frame, masked when sent by a client (small payloads only). */
function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  return Buffer.concat([head, key, payload.map((b, i) => b ^ (key[i % 4] as number))]);
}

function unframe(buf: Buffer): string {
  const masked = ((buf[1] as number) & 0x80) !== 0;
  const len = (buf[1] as number) & 0x7f;
  const key = masked ? buf.subarray(2, 6) : null;
  const data = buf.subarray(masked ? 6 : 2, (masked ? 6 : 2) + len);
  return Buffer.from(key ? data.map((b, i) => b ^ (key[i % 4] as number)) : data).toString();
}

describe('WebSocket upgrades through the router', () => {
  let dyno: Server;
  let router: TestRouter;
  const dynoSockets: Socket[] = [];
  before(async () => {
    dyno = createServer((_req, res) => res.end('plain'));
    dyno.on('upgrade', (req, socket: Socket) => {
      dynoSockets.push(socket);
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(frame(`echo: ${unframe(d)}`, false)));
      socket.on('end', () => socket.end());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => dyno.listen(0, '127.0.0.1', resolve));
    router = await startTestRouter([app('ws', [up((dyno.address() as AddressInfo).port)])], { idleTimeoutMs: 400 });
  });
  after(async () => {
    await router.stop();
    dyno.closeAllConnections();
    await new Promise((resolve) => dyno.close(resolve));
  });

  async function handshake(): Promise<{ c: RawClient; read: () => Promise<Buffer> }> {
    const c = new RawClient(router.port);
    const key = randomBytes(16).toString('base64');
    let pending = Buffer.alloc(0);
    c.socket.on('data', (d: Buffer) => (pending = Buffer.concat([pending, d])));
    c.send(`GET /chat HTTP/1.1\r\nHost: ws.berth.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const res = await c.response();
    assert.equal(res.status, 101);
    assert.equal(res.headers.upgrade, 'websocket');
    assert.equal(res.headers['sec-websocket-accept'], createHash('sha1').update(`${key}${GUID}`).digest('base64'));
    const read = async () => {
      await waitFor('a frame from the tunnel', () => pending.length > 0);
      const out = pending;
      pending = Buffer.alloc(0);
      return out;
    };
    pending = Buffer.alloc(0);
    return { c, read };
  }

  it('tunnels a WebSocket echo both ways and logs the 101', async () => {
    const { c, read } = await handshake();
    c.send(frame('hello', true));
    assert.equal(unframe(await read()), 'echo: hello');
    c.send(frame('again', true));
    assert.equal(unframe(await read()), 'echo: again');
    const log = await router.waitForLog(/path="\/chat" .*status=101 /);
    assert.equal(log.app, 'ws');
    c.close();
  });

  it('H15: closes an idle tunnel after the idle timeout', async () => {
    const { c } = await handshake();
    assert.ok(await c.closedByPeer());
    await router.waitForLog(/code=H15 desc="Idle connection" method=GET path="\/chat"/);
  });

  it('closes the dyno side when the client leaves', async () => {
    const before = dynoSockets.length;
    const { c } = await handshake();
    const socket = dynoSockets[before] as Socket;
    c.close();
    await waitFor('the dyno side of the tunnel to close', () => socket.destroyed || socket.readableEnded);
    assert.ok(socket.destroyed || socket.readableEnded);
  });
});
