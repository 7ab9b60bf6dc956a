import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { type CountingServer, PRIVATE_ADDRESS, REDIRECTOR_ONLY, startCountingServer, startRedirector } from '../egress/targets.js';
import { tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let channels: LogChannels;
let forbidden: CountingServer;
let channelCount = 0;

before(async () => {
  dir = await tempDir('drain-egress');
  channels = await LogChannels.open({ dir });
  forbidden = await startCountingServer('127.0.0.1');
});

after(async () => {
  await forbidden.close();
  await channels.close();
  await rm(dir, { recursive: true, force: true });
});

const fast = { backoffMs: 50, backoffMaxMs: 200, timeoutMs: 2000 };

describe('log drains and private addresses', () => {
  it('are never connected to loopback, private or local-name URLs without an allowance, and say "refused by policy"', async () => {
    const drains = await DrainManager.open({ channels, tuning: fast, reportIntervalMs: 0, maxDrainsPerChannel: 10 });
    try {
      const channel = `egress-${process.pid}-${channelCount++}`;
      const port = forbidden.port;
      const urls = [
        `http://127.0.0.1:${port}/`,
        `https://localhost:${port}/`,
        `http://${PRIVATE_ADDRESS}:${port}/`,
        `syslog+tcp://127.0.0.1:${port}`,
        `syslog+tls://localhost:${port}`,
        `syslog://[::ffff:127.0.0.1]:${port}`,
        `syslog://${PRIVATE_ADDRESS}:${port}`,
      ];
      const added: Awaited<ReturnType<DrainManager['add']>>[] = [];
      for (const url of urls) added.push(await drains.add(channel, url));
      channels.append(channel, { source: 'app', process: 'web.1', message: 'secret line' });
      await waitFor('every drain to fail twice', () => added.every((d) => drains.stats(channel, d.token).failures >= 2));
      for (const drain of added) {
        const { lastError } = drains.stats(channel, drain.token);
        assert.match(lastError ?? '', /refused by policy/, drain.url);
        assert.doesNotMatch(lastError ?? '', new RegExp(String(port)), `${drain.url}: no port in the error`);
      }
      const reports = channels.history(channel).filter((e) => e.line.process === 'logplex').map((e) => e.line.message);
      assert.ok(reports.length >= urls.length, reports.join('\n'));
      assert.ok(reports.every((m) => m.includes('refused by policy')), reports.join('\n'));
      assert.equal(forbidden.connections, 0, 'nothing was connected to');
    } finally {
      await drains.close();
    }
  });

  it('do not follow a receiver\'s redirect to a private address', async () => {
    const redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`, 307);
    const drains = await DrainManager.open({ channels, tuning: fast, egress: new EgressGuard(REDIRECTOR_ONLY) });
    try {
      const channel = `egress-${process.pid}-${channelCount++}`;
      const drain = await drains.add(channel, `http://127.0.0.2:${redirector.port}/drain`);
      channels.append(channel, { source: 'app', process: 'web.1', message: 'secret line' });
      await waitFor('the drain to be refused twice', () => drains.stats(channel, drain.token).failures >= 2);
      assert.equal(drains.stats(channel, drain.token).lastError, 'HTTP 307');
      assert.ok(redirector.connections >= 1);
      assert.equal(forbidden.connections, 0);
    } finally {
      await drains.close();
      await redirector.close();
    }
  });
});
