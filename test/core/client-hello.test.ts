import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect } from 'node:tls';
import { describe, it } from 'node:test';
import { MAX_CLIENT_HELLO_BYTES, readClientHello } from '../../src/core/client-hello.js';

/** The first bytes a real Node TLS client sends (its ClientHello), captured on a plain socket. */
async function realClientHello(servername: string | undefined, maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3'): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (socket) => {
        let bytes = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          bytes = Buffer.concat([bytes, chunk]);
          if (bytes.length >= 5 && bytes.length >= 5 + bytes.readUInt16BE(3)) {
            resolve(bytes);
            socket.destroy();
          }
        });
      });
      const client = connect({ host: '127.0.0.1', port, maxVersion, ...(servername === undefined ? {} : { servername }) });
      client.on('error', () => undefined);
      setTimeout(() => reject(new Error('no ClientHello within 10 s')), 10_000).unref();
    });
  } finally {
    server.close();
  }
}

/** The same handshake split into two TLS records at `at` bytes of its payload. */
function reframed(hello: Buffer, at: number): Buffer {
  const payload = hello.subarray(5);
  const record = (part: Buffer) => Buffer.concat([Buffer.from([22, 3, 1, part.length >> 8, part.length & 0xff]), part]);
  return Buffer.concat([record(payload.subarray(0, at)), record(payload.subarray(at))]);
}

describe('readClientHello', () => {
  it('reads the server name of a real TLS 1.3 and TLS 1.2 ClientHello', async () => {
    assert.deepEqual(readClientHello(await realClientHello('www.custom.example')), { kind: 'hello', serverName: 'www.custom.example' });
    assert.deepEqual(readClientHello(await realClientHello('shop.berth.test', 'TLSv1.2')), { kind: 'hello', serverName: 'shop.berth.test' });
  });

  it('says a client that connected by address sent no name', async () => {
    // Node sends no SNI for an IP address (servername defaults to the host).
    assert.deepEqual(readClientHello(await realClientHello(undefined)), { kind: 'hello', serverName: undefined });
  });

  it('asks for more bytes until the whole ClientHello arrived, byte by byte', async () => {
    const hello = await realClientHello('slow.example');
    for (let n = 0; n < hello.length; n++) assert.deepEqual(readClientHello(hello.subarray(0, n)), { kind: 'partial' }, `after ${n} bytes`);
    assert.deepEqual(readClientHello(hello), { kind: 'hello', serverName: 'slow.example' });
  });

  it('reassembles a ClientHello split across two handshake records', async () => {
    const hello = await realClientHello('split.example');
    for (const at of [2, 40, hello.length - 10]) {
      const two = reframed(hello, at);
      assert.deepEqual(readClientHello(two.subarray(0, two.length - 1)), { kind: 'partial' }, `split at ${at}`);
      assert.deepEqual(readClientHello(two), { kind: 'hello', serverName: 'split.example' }, `split at ${at}`);
    }
  });

  it('calls plain HTTP, an empty record, another record type and an oversized ClientHello "other"', () => {
    assert.deepEqual(readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')), { kind: 'other' });
    assert.deepEqual(readClientHello(Buffer.from([22, 3, 1, 0, 0])), { kind: 'other' });
    assert.deepEqual(readClientHello(Buffer.from([23, 3, 3, 0, 5, 1, 2, 3, 4, 5])), { kind: 'other' });
    const huge = MAX_CLIENT_HELLO_BYTES + 1;
    assert.deepEqual(readClientHello(Buffer.from([22, 3, 1, 0, 4, 1, (huge >> 16) & 0xff, (huge >> 8) & 0xff, huge & 0xff])), { kind: 'other' });
  });

  it('calls a ClientHello whose extensions overrun their length "other"', async () => {
    const hello = Buffer.from(await realClientHello('broken.example'));
    // Grow the declared extensions length past the end of the message.
    const body = 5 + 4;
    let at = body + 2 + 32;
    at += 1 + (hello[at] as number);
    at += 2 + hello.readUInt16BE(at);
    at += 1 + (hello[at] as number);
    hello.writeUInt16BE(hello.readUInt16BE(at) + 100, at);
    assert.deepEqual(readClientHello(hello), { kind: 'other' });
  });
});
