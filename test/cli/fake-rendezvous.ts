import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { ensureLocalCa } from '../../src/pki/certificate-authority.js';
import { EXIT_MARKER } from '../../src/cli/run-output.js';

export interface FakeRendezvous {
  port: number;
  /** The CA that signed the server certificate (PEM), and its file, for NODE_EXTRA_CA_CERTS. */
  caCert: string;
  caCertPath: string;
  /** The server's certificate and key, for other test servers on 127.0.0.1. */
  serverCert: Buffer;
  serverKey: Buffer;
  /** First lines the clients sent (their secrets). */
  secrets: string[];
  /** Everything each client sent after its secret, once it sent EOT. */
  inputs: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the dyno side of `heroku run` on `host` with a certificate (for localhost and
 * 127.0.0.1) from a fresh local CA: it reads the secret line, greets with `rendezvous\r\n` (which the client must drop), then
 * acts as `cat` until EOT (\x04), answering `got: <input>` and the exit-status marker for
 * `exitCode`, CRLF line endings as a terminal would.
 */
export async function startFakeRendezvous(exitCode: number, host = '127.0.0.1'): Promise<FakeRendezvous> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cli-rendezvous-'));
  const pki = await ensureLocalCa(join(dir, 'tls'), { domain: 'berth.test' });
  const secrets: string[] = [];
  const inputs: string[] = [];
  const sockets = new Set<TLSSocket>();
  const server: Server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('latin1');
    let received = '';
    let greeted = false;
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > 1_000_000) return void socket.destroy();
      if (!greeted) {
        const newline = received.indexOf('\r\n');
        if (newline < 0) return;
        secrets.push(received.slice(0, newline));
        received = received.slice(newline + 2);
        greeted = true;
        socket.write('rendezvous\r\n');
      }
      const eot = received.indexOf('\u0004');
      if (eot < 0) return;
      const input = Buffer.from(received.slice(0, eot), 'latin1').toString('utf8');
      inputs.push(input);
      socket.end(Buffer.from(`got: ${input}\r\n${EXIT_MARKER}${exitCode}\r\n`, 'utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caCert: pki.caCert.toString('utf8'),
    caCertPath: pki.caCertPath,
    serverCert: pki.serverCert,
    serverKey: pki.serverKey,
    secrets,
    inputs,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
