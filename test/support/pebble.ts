// Pebble, Let's Encrypt's ACME test server, run for a test (built by scripts/install.sh --test).
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import { waitFor } from './wait.js';

export const PEBBLE_DIR = join(repoRoot(), '.berth-tools', 'pebble-v2.10.3');
/** The CA of the certificate pebble serves its API with (trusted by the ACME client only). */
export const PEBBLE_API_CA = join(PEBBLE_DIR, 'pebble.minica.pem');

export interface Pebble {
  directoryUrl: string;
  /** PEM of the root pebble issues under (from its management interface, /roots/0). */
  root(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

/** A port free right now (pebble takes no port 0: it would not say which it got). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts pebble on `port` (management on a free port), validating HTTP-01 on `httpPort` of the
 * names' addresses, which it resolves through `dnsServer`. No sleeps, no bad nonces injected.
 */
export async function startPebble(options: { port: number; httpPort: number; dnsServer: string }): Promise<Pebble> {
  await access(join(PEBBLE_DIR, 'bin', 'pebble')).catch(() => {
    throw new Error(`pebble is not built at ${PEBBLE_DIR}: run scripts/install.sh --test (it needs Go)`);
  });
  const dir = await mkdtemp(join(tmpdir(), 'berth-pebble-'));
  const managementPort = await freePort();
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${options.port}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: join(PEBBLE_DIR, 'cert.pem'),
      privateKey: join(PEBBLE_DIR, 'key.pem'),
      httpPort: options.httpPort,
      tlsPort: await freePort(),
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      domainBlocklist: [],
      retryAfter: { authz: 1, order: 1 },
      keyAlgorithm: 'ecdsa',
      profiles: { default: { description: 'test', validityPeriod: 7776000 } },
    },
  };
  await writeFile(join(dir, 'pebble-config.json'), JSON.stringify(config));
  let out = '';
  const child: ChildProcess = spawn(join(PEBBLE_DIR, 'bin', 'pebble'), ['-config', join(dir, 'pebble-config.json'), '-dnsserver', options.dnsServer], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`pebble to listen on 127.0.0.1:${options.port}`, () => {
      if (child.exitCode !== null) throw new Error(`pebble exited with ${child.exitCode}:\n${out}`);
      return out.includes(`Listening on: 127.0.0.1:${options.port}`);
    }, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const ca = await readFile(PEBBLE_API_CA, 'utf8');
  return {
    directoryUrl: `https://127.0.0.1:${options.port}/dir`,
    root: () => httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, ca),
    output: () => out,
    stop,
  };
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode}`))));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}
