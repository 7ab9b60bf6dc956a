import assert from 'node:assert/strict';
import { get, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

// The official CLI's own SSE client (`heroku logs` uses it): node_modules via the heroku devDependency.
import { EventSource } from 'eventsource';

import { PlatformError } from '../../src/core/errors.js';
import { formatLogLine } from '../../src/core/log-line.js';
import { LogChannels, type LogInput } from '../../src/logplex/log-channels.js';
import { createLogSessionServer } from '../../src/logplex/log-session-server.js';
import { LogSessions, type LogSessionsOptions } from '../../src/logplex/log-sessions.js';
import { tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let channels: LogChannels;
const servers: Array<{ server: Server; sessions: LogSessions }> = [];

before(async () => {
  dir = await tempDir('sessions');
  channels = await LogChannels.open({ dir });
});

after(async () => {
  for (const { server, sessions } of servers) {
    sessions.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await channels.close();
  await rm(dir, { recursive: true, force: true });
});

/** A LogSessions + its server on a random port; returns a function making session URLs. */
async function serve(options: Partial<LogSessionsOptions> = {}): Promise<{ sessions: LogSessions; url: (path: string) => string }> {
  const sessions = new LogSessions({ channels, ...options });
  const server = createLogSessionServer(sessions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ server, sessions });
  const port = (server.address() as AddressInfo).port;
  return { sessions, url: (path) => `http://127.0.0.1:${port}${path}` };
}

let nextChannel = 0;
const freshChannel = (): string => `app-${process.pid}-${nextChannel++}`;
const write = (channel: string, lines: LogInput[]): void => lines.forEach((l) => channels.append(channel, l));
const app = (process: string, message: string): LogInput => ({ source: 'app', process, message });
const heroku = (process: string, message: string): LogInput => ({ source: 'heroku', process, message });

/** Reads a session the way `heroku logs` does (eventsource, User-Agent heroku-run), without tail. */
function readLikeTheCli(url: string): Promise<{ lines: string[]; ids: string[] }> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    const ids: string[] = [];
    const es = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), 'User-Agent': 'heroku-run' } }),
    });
    es.addEventListener('message', (e) => {
      ids.push(e.lastEventId);
      lines.push(...e.data.trim().split(/\n+/));
    });
    es.addEventListener('error', () => {
      es.close();
      resolve({ lines, ids });
    });
  });
}

/** A raw GET; resolves with the response (body not consumed). */
function open(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
}

async function body(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

describe('log sessions', () => {
  it('send the backlog as text/event-stream and close when not tailing', async () => {
    const { sessions, url } = await serve();
    const channel = freshChannel();
    write(channel, [app('web.1', 'one'), heroku('router', 'at=info path="/"'), app('web.1', 'three'), app('worker.1', 'four')]);
    const issued = sessions.issue(channel, { lines: 3 });
    assert.match(issued.id, /^[A-Za-z0-9_-]{32}$/);
    const { lines, ids } = await readLikeTheCli(url(issued.path));
    const expected = channels.history(channel, { limit: 3 });
    assert.deepEqual(lines, expected.map((e) => formatLogLine(e.line)));
    assert.deepEqual(ids, expected.map((e) => String(e.seq)));
  });

  it('filter by source and by process type the way the CLI asks', async () => {
    const { sessions, url } = await serve();
    const channel = freshChannel();
    write(channel, [app('web.1', 'a'), heroku('router', 'b'), app('web.2', 'c'), app('worker.1', 'd'), heroku('web.1', 'e')]);
    const webApp = await readLikeTheCli(url(sessions.issue(channel, { source: 'app', dyno: 'web' }).path));
    assert.deepEqual(webApp.lines.map((l) => l.split(': ')[1]), ['a', 'c']);
    const web1 = await readLikeTheCli(url(sessions.issue(channel, { dyno: 'web.1' }).path));
    assert.deepEqual(web1.lines.map((l) => l.split(' ')[1]), ['app[web.1]:', 'heroku[web.1]:']);
    const router = await readLikeTheCli(url(sessions.issue(channel, { source: 'heroku', dyno: 'router' }).path));
    assert.deepEqual(router.lines.map((l) => l.split(': ')[1]), ['b']);
  });

  it('refuse bad session parameters with invalid_params', async () => {
    const { sessions } = await serve();
    for (const bad of [{ lines: -1 }, { lines: 'ten' }, { tail: 'yes' }, { source: 'router' }, { dyno: 'web 1' }]) {
      assert.throws(() => sessions.issue('app-x', bad), (e: unknown) => e instanceof PlatformError && e.id === 'invalid_params', JSON.stringify(bad));
    }
  });

  it('serve plain text to curl', async () => {
    const { sessions, url } = await serve();
    const channel = freshChannel();
    write(channel, [app('web.1', 'hello'), app('web.1', 'world')]);
    const res = await open(url(sessions.issue(channel, {}).path));
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.deepEqual((await body(res)).split('\n'), [...channels.history(channel).map((e) => formatLogLine(e.line)), '']);
  });

  it('stream live lines to a tail and resume after Last-Event-ID when the client reconnects', async () => {
    const { sessions, url } = await serve();
    const channel = freshChannel();
    write(channel, [app('web.1', 'before')]);
    const issued = sessions.issue(channel, { tail: true, lines: 1 });
    const seen: string[] = [];
    let opens = 0;
    const es = new EventSource(url(issued.path));
    es.addEventListener('open', () => opens++);
    es.addEventListener('message', (e) => seen.push(e.data.split(': ')[1] ?? ''));
    await waitFor('the backlog', () => seen.length === 1);
    write(channel, [app('web.1', 'live 1'), heroku('router', 'live 2')]);
    await waitFor('live lines', () => seen.length === 3);

    // Drop every connection: the client reconnects (about 3 s later) with Last-Event-ID.
    const { server } = servers.find((s) => s.sessions === sessions) ?? assert.fail('server');
    server.closeAllConnections();
    write(channel, [app('web.1', 'missed 1'), app('web.1', 'missed 2')]);
    await waitFor('the reconnection', () => seen.length === 5 && opens === 2, 15_000);
    write(channel, [app('web.1', 'after')]);
    await waitFor('the line after', () => seen.length === 6);
    es.close();
    assert.deepEqual(seen, ['before', 'live 1', 'live 2', 'missed 1', 'missed 2', 'after']);
  });

  it('skip what the client saw when Last-Event-ID is sent', async () => {
    const { sessions, url } = await serve();
    const channel = freshChannel();
    write(channel, [app('web.1', '1'), app('web.1', '2'), app('web.1', '3'), app('web.1', '4')]);
    const second = channels.history(channel)[1]?.seq ?? assert.fail('no history');
    const res = await open(url(sessions.issue(channel, { lines: 1 }).path), { Accept: 'text/event-stream', 'Last-Event-ID': String(second) });
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    const events = (await body(res)).split('\n\n').filter((e) => e !== '' && !e.startsWith('retry:'));
    assert.deepEqual(events.map((e) => e.split('\n')[0]), [`id: ${second + 1}`, `id: ${second + 2}`]);
  });

  it('answer 404 for an unknown or expired session and 405 for anything but GET', async () => {
    const { sessions, url } = await serve({ ttlMs: 100 });
    const missing = await open(url('/sessions/not-a-session'));
    assert.equal(missing.statusCode, 404);
    assert.match(await body(missing), /not found or expired/);
    const issued = sessions.issue(freshChannel(), {});
    const post = await new Promise<IncomingMessage>((resolve) => request(url(issued.path), { method: 'POST' }, resolve).end());
    assert.equal(post.statusCode, 405);
    post.resume();
    await waitFor('the session to expire', async () => {
      const res = await open(url(issued.path));
      res.resume();
      return res.statusCode === 404;
    });
  });

  it('send heartbeat comments on a quiet tail', async () => {
    const { sessions, url } = await serve({ heartbeatMs: 30 });
    const res = await open(url(sessions.issue(freshChannel(), { tail: true }).path), { Accept: 'text/event-stream' });
    let text = '';
    res.on('data', (c: Buffer) => (text += c.toString()));
    await waitFor('a heartbeat', () => text.includes(': heartbeat\n\n'));
    res.destroy();
  });

  it('drop lines for a slow tail without slowing the writer, then say exactly how many (L11)', async () => {
    const { sessions, url } = await serve({ tailBufferLines: 50 });
    const channel = freshChannel();
    const res = await open(url(sessions.issue(channel, { tail: true, lines: 0 }).path), { Accept: 'text/event-stream' });
    res.pause();
    const total = 40_000;
    const padding = 'x'.repeat(500);
    for (let i = 0; i < total; i += 500) {
      for (let j = i; j < i + 500; j++) channels.append(channel, app('web.1', `n=${j} ${padding}`));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Read everything now; count lines and the drops L11 reports.
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.resume();
    const tally = (): { got: number[]; dropped: number; gapsOk: boolean } => {
      const got: number[] = [];
      let dropped = 0;
      let gapsOk = true;
      let pending = 0;
      for (const event of text.split('\n\n')) {
        const l11 = /Error L11 \(Tail buffer overflow\) -> This tail session dropped (\d+) messages since /.exec(event);
        if (l11) {
          pending += Number(l11[1]);
          dropped += Number(l11[1]);
          continue;
        }
        const n = /app\[web\.1\]: n=(\d+) /.exec(event);
        if (!n) continue;
        const value = Number(n[1]);
        // Every gap in the sequence is exactly what the L11 line just before it announced.
        const expectedNext = (got.at(-1) ?? -1) + 1 + pending;
        if (value !== expectedNext) gapsOk = false;
        pending = 0;
        got.push(value);
      }
      return { got, dropped, gapsOk };
    };
    await waitFor('every line or its L11 notice', () => {
      const t = tally();
      return t.got.length + t.dropped === total;
    }, 20_000);
    const { got, dropped, gapsOk } = tally();
    res.destroy();
    assert.ok(dropped > 0, 'the paused reader lost lines');
    assert.ok(gapsOk, 'L11 sits exactly where lines went missing, with their exact count');
    assert.equal(got.length + dropped, total);
  });
});
