// Test harnesses for logplex: temp dirs, a real rsyslogd, a drain receiver over HTTP(S), a
// throwaway certificate made with the real openssl, and a line-collecting TCP/TLS server.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `berth-logplex-${label}-`));
}

/** Splits an application/logplex-1 body (or a syslog stream) into its octet-counted frames. */
export function parseOctetFrames(body: Buffer): string[] {
  const frames: string[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) throw new Error(`no length at byte ${at}`);
    const length = Number(body.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0) throw new Error(`bad length ${body.toString('latin1', at, space)}`);
    frames.push(body.toString('utf8', space + 1, space + 1 + length));
    at = space + 1 + length;
  }
  return frames;
}

export interface RsyslogReceiver {
  readonly port: number;
  /** What rsyslog wrote: `HOSTNAME APP-NAME PROCID MSG` per line. */
  lines(): Promise<string[]>;
  stop(): Promise<void>;
}

/** A real rsyslogd on a random 127.0.0.1 port (imtcp: octet-counted framing), its own dir. */
export async function startRsyslog(): Promise<RsyslogReceiver> {
  const dir = await tempDir('rsyslog');
  await mkdir(path.join(dir, 'work'));
  const out = path.join(dir, 'received.log');
  const conf = path.join(dir, 'rsyslog.conf');
  await writeFile(
    conf,
    [
      `global(workDirectory="${dir}/work")`,
      'module(load="imtcp")',
      'template(name="drain" type="string" string="%hostname% %app-name% %procid% %msg%\\n")',
      `ruleset(name="drain") { action(type="omfile" file="${out}" template="drain") }`,
      `input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${dir}/port" ruleset="drain")`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let port = 0;
  await waitFor(`rsyslogd to listen (${stderr})`, async () => {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}: ${stderr}`);
    const text = await readFile(path.join(dir, 'port'), 'utf8').catch(() => '');
    port = Number(text.trim());
    return port > 0;
  });
  return {
    port,
    lines: async () => (await readFile(out, 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedPost {
  readonly headers: IncomingMessage['headers'];
  readonly url: string;
  readonly frames: string[];
}

export interface DrainReceiver {
  server: Server;
  readonly posts: ReceivedPost[];
  /** Answer the next requests with this status instead of 200. */
  statuses: number[];
  port(): number;
  close(): Promise<void>;
}

/** An HTTP(S) drain endpoint recording every POST; `statuses` scripts failures. */
export async function startDrainReceiver(options: { tls?: { key: string; cert: string }; port?: number } = {}): Promise<DrainReceiver> {
  const receiver: DrainReceiver = {
    server: undefined as unknown as Server,
    posts: [],
    statuses: [],
    port: () => (receiver.server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        receiver.server.close(() => resolve());
        receiver.server.closeAllConnections();
      }),
  };
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = receiver.statuses.shift() ?? 200;
      if (status === 200) receiver.posts.push({ headers: req.headers, url: req.url ?? '', frames: parseOctetFrames(Buffer.concat(chunks)) });
      else receiver.posts.push({ headers: req.headers, url: req.url ?? '', frames: [] });
      res.writeHead(status).end();
    });
  };
  receiver.server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    receiver.server.once('error', reject);
    receiver.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return receiver;
}

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  readonly dir: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl. */
export async function makeCertificate(): Promise<TestCertificate> {
  const dir = await tempDir('cert');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await run(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { timeout: 10_000 },
  );
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8'), dir };
}
