import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';

import { PlatformError } from '../../src/core/errors.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { parseDrainUrl, redactDrainUrl } from '../../src/logplex/drain-url.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { tempDir } from './support.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('drain URLs', () => {
  const good: Array<[string, Record<string, unknown>]> = [
    ['syslog+tls://logs.example.com:6514', { kind: 'syslog', tls: true, host: 'logs.example.com', port: 6514 }],
    ['syslog+tcp://10.0.0.5:514', { kind: 'syslog', tls: false, host: '10.0.0.5', port: 514 }],
    ['syslog://logs.example.com:514', { kind: 'syslog', tls: false, port: 514 }],
    ['syslog+tcp://[::1]:514', { kind: 'syslog', host: '::1' }],
    ['https://user:p%40ss@logs.example.com/drain?x=1', { kind: 'http', tls: true, port: 443, path: '/drain?x=1', auth: { user: 'user', password: 'p@ss' } }],
    ['http://127.0.0.1:8080/', { kind: 'http', tls: false, port: 8080, path: '/', auth: undefined }],
  ];
  for (const [url, expected] of good) {
    it(`accepts ${url}`, () => {
      const target = parseDrainUrl(url) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(target[key], value, key);
    });
  }

  const bad: Array<[unknown, RegExp]> = [
    ['ftp://logs.example.com/', /scheme ftp:\/\/ is not supported/],
    ['syslog+udp://logs.example.com:514', /UDP syslog is not supported/],
    ['syslog+tls://logs.example.com', /need a port/],
    ['logs.example.com:514', /scheme|not a URL/],
    ['https://', /not a URL|no host/],
    ['https://exa mple.com/', /whitespace/],
    ['', /empty/],
    [42, /empty|not a URL/],
    ['syslog+tcp://user:pw@logs.example.com:514', /credentials/],
  ];
  for (const [url, message] of bad) {
    it(`rejects ${JSON.stringify(url)} saying why and what works`, () => {
      assert.throws(
        () => parseDrainUrl(url),
        (e: unknown) => e instanceof PlatformError && e.id === 'invalid_params' && message.test(e.message) && /syslog\+tls:\/\//.test(e.message),
      );
    });
  }

  it('hides the password in what logs show', () => {
    assert.equal(redactDrainUrl('https://user:secret@logs.example.com/d'), 'https://user:***@logs.example.com/d');
  });
});

describe('drain manager bookkeeping', () => {
  it('gives each drain a d.<uuid> token, refuses duplicates and more than the maximum, and keeps the list across restarts', async () => {
    const dir = await tempDir('drain-state');
    dirs.push(dir);
    const channels = await LogChannels.open({ dir });
    const stateFile = `${dir}/drains.json`;
    const drains = await DrainManager.open({ channels, stateFile, maxDrainsPerChannel: 2 });
    // Nothing listens on port 9 of 127.0.0.1 and no line is appended: no connection is attempted.
    const first = await drains.add('app-1', 'syslog+tcp://127.0.0.1:9');
    assert.match(first.token, /^d\.[0-9a-f-]{36}$/);
    await assert.rejects(drains.add('app-1', 'syslog+tcp://127.0.0.1:9'), (e: unknown) => e instanceof PlatformError && e.id === 'conflict');
    await assert.rejects(drains.add('app-1', 'ftp://x/'), (e: unknown) => e instanceof PlatformError && e.id === 'invalid_params');
    await drains.add('app-1', 'http://127.0.0.1:9/');
    await assert.rejects(drains.add('app-1', 'http://127.0.0.1:9/other'), /at most 2 log drains/);
    await drains.close();

    const again = await DrainManager.open({ channels, stateFile });
    assert.deepEqual(again.list('app-1').map((d) => d.token).sort(), [first.token, again.list('app-1')[1]?.token].sort());
    assert.equal(again.find('app-1', first.id)?.url, 'syslog+tcp://127.0.0.1:9');
    await again.remove('app-1', first.token);
    await assert.rejects(again.remove('app-1', first.token), (e: unknown) => e instanceof PlatformError && e.id === 'not_found');
    assert.equal(again.list('app-1').length, 1);
    await again.close();
    await channels.close();
  });
});
