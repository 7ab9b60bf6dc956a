import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';

import { EgressGuard } from '../../src/egress/egress-guard.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { type DrainReceiver, makeCertificate, type ReceivedPost, startDrainReceiver, type TestCertificate, tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let channels: LogChannels;
let cert: TestCertificate;
const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  dir = await tempDir('http-drain');
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

async function manager(options: Partial<Parameters<typeof DrainManager.open>[0]> = {}): Promise<DrainManager> {
  const drains = await DrainManager.open({ channels, tuning: fast, egress: new EgressGuard(['127.0.0.0/8']), ...options });
  cleanups.push(() => drains.close());
  return drains;
}

async function receiver(options: Parameters<typeof startDrainReceiver>[0] = {}): Promise<DrainReceiver> {
  const r = await startDrainReceiver(options);
  cleanups.push(() => r.close());
  return r;
}

/** A 127.0.0.1 port nobody listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let channelCount = 0;
const freshChannel = (): string => `drain-${process.pid}-${channelCount++}`;
const frames = (posts: ReceivedPost[]): string[] => posts.flatMap((p) => p.frames);
const messageOf = (frame: string): string => frame.replace(/^<\d+>1 \S+ host \S+ \S+ - /, '').replace(/\n$/, '');

describe('HTTPS drains', () => {
  it('post octet-counted frames with logplex headers and basic auth from the URL', async () => {
    const r = await receiver();
    const drains = await manager();
    const channel = freshChannel();
    const drain = await drains.add(channel, `http://user:p%40ss@127.0.0.1:${r.port()}/logs?app=x`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'hello 🚀' });
    channels.append(channel, { source: 'heroku', process: 'router', message: 'at=info method=GET path="/"' });
    await waitFor('two frames', () => frames(r.posts).length === 2);
    const post = r.posts[0] as ReceivedPost;
    assert.equal(post.url, '/logs?app=x');
    assert.equal(post.headers['content-type'], 'application/logplex-1');
    assert.equal(post.headers['logplex-drain-token'], drain.token);
    assert.match(String(post.headers['logplex-frame-id']), /^[0-9a-f]{32}$/);
    assert.equal(post.headers['user-agent'], 'Logplex/berth');
    assert.equal(Buffer.from(String(post.headers.authorization).replace('Basic ', ''), 'base64').toString(), 'user:p@ss');
    assert.equal(Number(post.headers['logplex-msg-count']), post.frames.length);
    const all = frames(r.posts);
    assert.match(all[0] as string, /^<190>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 host app web\.1 - hello 🚀\n$/);
    assert.match(all[1] as string, /^<158>1 \S+ host heroku router - at=info method=GET path="\/"\n$/);
  });

  it('deliver over TLS to a receiver whose certificate is trusted', async () => {
    const r = await receiver({ tls: cert });
    const drains = await manager({ tuning: { ...fast, ca: [cert.cert] } });
    const channel = freshChannel();
    await drains.add(channel, `https://127.0.0.1:${r.port()}/`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'over tls' });
    await waitFor('the frame', () => frames(r.posts).length === 1);
    assert.equal(messageOf(frames(r.posts)[0] as string), 'over tls');
  });

  it('retry a failed batch with the same Logplex-Frame-Id', async () => {
    const r = await receiver();
    r.statuses = [503, 500];
    const drains = await manager();
    const channel = freshChannel();
    await drains.add(channel, `http://127.0.0.1:${r.port()}/`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'retried' });
    await waitFor('three attempts', () => r.posts.length >= 3);
    assert.equal(new Set(r.posts.slice(0, 3).map((p) => p.headers['logplex-frame-id'])).size, 1);
    assert.deepEqual(r.posts[2]?.frames.map(messageOf), ['retried']);
    const reports = channels.history(channel).filter((e) => e.line.process === 'logplex').map((e) => e.line.message);
    assert.equal(reports.length, 1, 'one in-band report per interval');
    assert.match(reports[0] as string, /answered HTTP 503\. Retrying with backoff\./);
  });

  it('drop a batch the receiver refuses three times and count it in the next L10', async () => {
    const r = await receiver();
    r.statuses = [400, 400, 400];
    const drains = await manager();
    const channel = freshChannel();
    const drain = await drains.add(channel, `http://127.0.0.1:${r.port()}/`);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'refused' });
    await waitFor('the refusals', () => r.posts.length === 3);
    await waitFor('the report to be sent', () => frames(r.posts).length > 0);
    channels.append(channel, { source: 'app', process: 'web.1', message: 'next' });
    await waitFor('the next line', () => frames(r.posts).map(messageOf).includes('next'));
    const got = frames(r.posts).map(messageOf);
    assert.match(got[0] as string, /^Error L10 \(output buffer overflow\): 1 messages dropped since \S+\+00:00\.$/);
    // The in-band report of the first refusal; the later ones fall in the same rate-limit window.
    assert.match(got[1] as string, /answered HTTP 400\. Retrying 2 more times, then the batch is dropped and counted \(L10\)\./);
    assert.equal(drains.stats(channel, drain.token).dropped, 1);
  });

  it('report an unreachable drain in-band, rate-limited, while other drains get every line', async () => {
    const r = await receiver();
    const drains = await manager({ reportIntervalMs: 60_000 });
    const channel = freshChannel();
    const deadHttp = await drains.add(channel, `http://127.0.0.1:${await deadPort()}/`);
    const deadSyslog = await drains.add(channel, `syslog+tcp://127.0.0.1:${await deadPort()}`);
    await drains.add(channel, `http://127.0.0.1:${r.port()}/`);
    for (let i = 0; i < 20; i++) {
      channels.append(channel, { source: 'app', process: 'web.1', message: `n=${i}` });
      await pause(20);
    }
    await waitFor('every app line at the live drain', () => frames(r.posts).map(messageOf).filter((m) => m.startsWith('n=')).length === 20);
    await waitFor('several failures', () => drains.stats(channel, deadHttp.token).failures >= 3 && drains.stats(channel, deadSyslog.token).failures >= 3);
    const reports = channels.history(channel).filter((e) => e.line.process === 'logplex').map((e) => e.line.message);
    assert.equal(reports.length, 2, reports.join('\n'));
    assert.ok(reports.some((m) => m.includes(deadHttp.token) && m.includes('ECONNREFUSED')));
    assert.ok(reports.some((m) => m.includes(deadSyslog.token) && m.includes('ECONNREFUSED')));
    assert.deepEqual(
      frames(r.posts).map(messageOf).filter((m) => m.startsWith('n=')),
      Array.from({ length: 20 }, (_, i) => `n=${i}`),
    );
  });

  it('survive an outage under a steady stream: keep what fits in the buffer, count exactly what does not', async () => {
    let r = await receiver();
    const port = r.port();
    const posts: ReceivedPost[] = [];
    const drains = await manager({ bufferLines: 1024 });
    const channel = freshChannel();
    const drain = await drains.add(channel, `http://127.0.0.1:${port}/`);
    const carried: string[] = [];
    cleanups.push(async () => unsubscribe());
    const unsubscribe = channels.subscribe(channel, (e) => carried.push(e.line.message));
    const total = 4000; // 2 s at 2 000 lines/s
    for (let tick = 0; tick < 200; tick++) {
      if (tick === 50) {
        posts.push(...r.posts);
        await r.close(); // down for 1 s: 2 000 lines against a 1 024-line buffer
      }
      if (tick === 150) r = await receiver({ port });
      for (let i = tick * 20; i < tick * 20 + 20; i++) channels.append(channel, { source: 'app', process: 'web.1', message: `n=${i}` });
      await pause(10);
    }
    // Everything the channel carried, in order: the app's lines and logplex's own reports.
    const tally = (): { got: number; dropped: number; gapsOk: boolean } => {
      let got = 0;
      let dropped = 0;
      let pending = 0;
      let gapsOk = true;
      let at = 0;
      for (const message of [...posts, ...r.posts].flatMap((p) => p.frames).map(messageOf)) {
        const l10 = /^Error L10 \(output buffer overflow\): (\d+) messages dropped since /.exec(message);
        if (l10) {
          pending += Number(l10[1]);
          dropped += Number(l10[1]);
          continue;
        }
        const found = carried.indexOf(message, at);
        // Every gap is exactly what the L10 line just before it announced.
        if (found - at !== pending) gapsOk = false;
        pending = 0;
        at = found + 1;
        got++;
      }
      return { got, dropped, gapsOk };
    };
    await waitFor('every line delivered or counted', () => {
      const t = tally();
      return t.got + t.dropped === carried.length;
    }, 20_000);
    const { got, dropped, gapsOk } = tally();
    assert.ok(dropped > 0, 'the outage was longer than the buffer');
    assert.ok(gapsOk, 'each gap is announced by an L10 line with its exact size');
    assert.equal(got + dropped, carried.length);
    assert.ok(carried.length >= total);
    assert.equal(drains.stats(channel, drain.token).dropped, dropped);
    assert.equal(carried.at(-1), `n=${total - 1}`);
    assert.ok(got >= total - 2000, `no more was lost than the outage produced beyond the buffer (${got} delivered)`);
  });
});
