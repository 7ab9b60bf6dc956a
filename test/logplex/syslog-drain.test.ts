import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';

import { EgressGuard } from '../../src/egress/egress-guard.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { makeCertificate, parseOctetFrames, type RsyslogReceiver, startRsyslog, type TestCertificate, tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let channels: LogChannels;
let cert: TestCertificate;
const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  dir = await tempDir('syslog-drain');
  channels = await LogChannels.open({ dir });
  cert = await makeCertificate();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await channels.close();
  await rm(dir, { recursive: true, force: true });
  await rm(cert.dir, { recursive: true, force: true });
});

const fast = { backoffMs: 50, backoffMaxMs: 200, timeoutMs: 2000 };

async function manager(ca: string[] = []): Promise<DrainManager> {
  const drains = await DrainManager.open({ channels, tuning: { ...fast, ca }, egress: new EgressGuard(['127.0.0.0/8']) });
  cleanups.push(() => drains.close());
  return drains;
}

/** A TLS syslog receiver collecting octet-counted frames. */
async function tlsReceiver(): Promise<{ frames: () => string[]; port: number }> {
  const chunks: Buffer[] = [];
  const server: TlsServer = createTlsServer({ key: cert.key, cert: cert.cert }, (socket) => socket.on('data', (c: Buffer) => chunks.push(c)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { frames: () => parseOctetFrames(Buffer.concat(chunks)), port: (server.address() as AddressInfo).port };
}

let channelCount = 0;
const freshChannel = (): string => `syslog-${process.pid}-${channelCount++}`;

describe('syslog drains', () => {
  it('deliver every line, in order, to a real rsyslog with the drain token as HOSTNAME', async () => {
    const rsyslog: RsyslogReceiver = await startRsyslog();
    cleanups.push(() => rsyslog.stop());
    const drains = await manager();
    const channel = freshChannel();
    const drain = await drains.add(channel, `syslog+tcp://127.0.0.1:${rsyslog.port}`);
    const total = 3000;
    for (let i = 0; i < total; i++) {
      if (i % 3 === 0) channels.append(channel, { source: 'heroku', process: 'router', message: `at=info n=${i} path="/"` });
      else channels.append(channel, { source: 'app', process: `web.${(i % 2) + 1}`, message: `n=${i} héllo 🚀` });
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor('rsyslog to write every line', async () => (await rsyslog.lines()).length >= total, 20_000);
    const lines = await rsyslog.lines();
    assert.equal(lines.length, total);
    lines.forEach((line, i) => {
      const expected =
        i % 3 === 0 ? `${drain.token} heroku router at=info n=${i} path="/"` : `${drain.token} app web.${(i % 2) + 1} n=${i} héllo 🚀`;
      assert.equal(line, expected);
    });
  });

  it('accept syslog:// as plain TCP', async () => {
    const rsyslog = await startRsyslog();
    cleanups.push(() => rsyslog.stop());
    const drains = await manager();
    const channel = freshChannel();
    await drains.add(channel, `syslog://127.0.0.1:${rsyslog.port}`);
    channels.append(channel, { source: 'app', process: 'api', message: 'Release v3 created by user dev@example.com' });
    await waitFor('the line', async () => (await rsyslog.lines()).length === 1);
    assert.match((await rsyslog.lines())[0] as string, / app api Release v3 created by user dev@example\.com$/);
  });

  it('deliver over TLS when the receiver certificate verifies', async () => {
    const receiver = await tlsReceiver();
    const drains = await manager([cert.cert]);
    const channel = freshChannel();
    const drain = await drains.add(channel, `syslog+tls://127.0.0.1:${receiver.port}`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'secret sauce' });
    await waitFor('the frame', () => receiver.frames().length === 1);
    assert.match(receiver.frames()[0] as string, new RegExp(`^<190>1 \\S+ ${drain.token} app web\\.1 - - secret sauce\\n$`));
  });

  it('refuse a receiver whose certificate does not verify and say so with L14', async () => {
    const receiver = await tlsReceiver();
    const drains = await manager(); // the test certificate is not trusted here
    const channel = freshChannel();
    await drains.add(channel, `syslog+tls://127.0.0.1:${receiver.port}`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'must not leak' });
    await waitFor('the L14 line', () => channels.history(channel).some((e) => e.line.message.startsWith('Error L14')));
    const l14 = channels.history(channel).find((e) => e.line.message.startsWith('Error L14'));
    assert.equal(l14?.line.source, 'heroku');
    assert.equal(l14?.line.process, 'logplex');
    assert.match(l14?.line.message ?? '', /^Error L14 \(certificate validation\): error="[^"]*self[- ]signed[^"]*" uri="syslog\+tls:\/\/127\.0\.0\.1:\d+"$/);
    assert.deepEqual(receiver.frames(), []);
  });
});
