// The control plane's side of an attached dyno (dyno-attachment.ts, what the release phase uses)
// against the agent's real Rendezvous over TLS: the stdin is closed with EOT, output arrives
// whole however the exit-status marker is split, and a dyno that vanishes gives no exit status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { EXIT_STATUS_MARKER } from '../../src/agent/attach-terminal.js';
import { attachDyno, type AttachTarget } from '../../src/agent/dyno-attachment.js';
import { Rendezvous } from '../../src/agent/rendezvous.js';
import { throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';
import { waitFor } from '../support/wait.js';

describe('attaching to a dyno through the rendezvous', () => {
  let ca: ThrowawayCa;
  let rendezvous: Rendezvous;
  let port: number;
  let target: AttachTarget;

  before(async () => {
    ca = await throwawayCa();
    const leaf = await ca.issue(['berth.test']);
    rendezvous = new Rendezvous(leaf);
    port = await rendezvous.listen(0, '127.0.0.1');
    target = { host: '127.0.0.1', servername: 'berth.test', ca: ca.caCert };
  });
  after(async () => {
    rendezvous.close();
    await ca.remove();
  });

  /** A dyno stand-in: once attached, `serve` plays the terminal's side. */
  const expectDyno = (serve: (socket: TLSSocket) => void): string => {
    const secret = randomBytes(16).toString('hex');
    rendezvous.expect(secret, 10_000, (socket) => { socket.resume(); serve(socket); }, () => undefined);
    return `rendezvous://berth.test:${port}/${secret}`;
  };

  /** Writes `parts` one at a time, each flushed before the next (each its own TLS record). */
  const writeSplit = async (socket: TLSSocket, parts: Array<string | Buffer>) => {
    for (const part of parts) await new Promise<void>((resolve) => socket.write(part, () => resolve()));
  };

  it('closes the dyno stdin with EOT and returns the output and the exit status', async () => {
    let stdin = '';
    const url = expectDyno((socket) => {
      socket.on('data', (d: Buffer) => {
        stdin += d.toString('latin1');
        if (stdin.includes('\u0004')) socket.end(`CREATE TABLE\nINSERT 0 1\n${EXIT_STATUS_MARKER}0\r\n`);
      });
    });
    const chunks: Buffer[] = [];
    const result = await attachDyno(url, target, (c) => chunks.push(c));
    assert.equal(stdin, '\u0004');
    assert.equal(Buffer.concat(chunks).toString(), 'CREATE TABLE\nINSERT 0 1\n');
    assert.deepEqual(result, { exitCode: 0 });
  });

  it('finds the marker split across chunks, even inside its first character, and keeps U+FFFF of the app', async () => {
    const marker = Buffer.from(`${EXIT_STATUS_MARKER}3\r\n`);
    const url = expectDyno((socket) => {
      void (async () => {
        await writeSplit(socket, ['migrating \uFFFF odd\n', 'done', marker.subarray(0, 1), marker.subarray(1, 2), marker.subarray(2, 9), marker.subarray(9)]);
        socket.end();
      })();
    });
    const chunks: Buffer[] = [];
    const result = await attachDyno(url, target, (c) => chunks.push(c));
    assert.equal(Buffer.concat(chunks).toString(), 'migrating \uFFFF odd\ndone');
    assert.deepEqual(result, { exitCode: 3 });
  });

  it('passes a whole line on at once, before the dyno exits', async () => {
    let exit: (() => void) | undefined;
    const url = expectDyno((socket) => {
      socket.write('migration running slowly\n');
      exit = () => socket.end(`${EXIT_STATUS_MARKER}0\r\n`);
    });
    let seen = '';
    const attached = attachDyno(url, target, (c) => { seen += c.toString(); });
    await waitFor('the line before the exit', () => seen === 'migration running slowly\n', 10_000);
    exit!();
    assert.deepEqual(await attached, { exitCode: 0 });
  });

  it('gives no exit status when the connection ends before the dyno exits', async () => {
    const url = expectDyno((socket) => socket.end('half a line'));
    const chunks: Buffer[] = [];
    const result = await attachDyno(url, target, (c) => chunks.push(c));
    assert.equal(Buffer.concat(chunks).toString(), 'half a line');
    assert.deepEqual(result, { exitCode: undefined });
  });

  it('refuses a rendezvous whose certificate its CA did not sign', async () => {
    const other = await throwawayCa();
    try {
      await assert.rejects(attachDyno(expectDyno((s) => s.end()), { ...target, ca: other.caCert }, () => undefined), /certificate/);
    } finally {
      await other.remove();
    }
  });
});
