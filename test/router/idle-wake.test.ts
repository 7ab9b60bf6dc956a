import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { routeDecision } from '../../src/core/route-table.js';
import { app, DOMAIN, get, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend, type TestRouter } from './harness.js';
import { waitFor } from '../support/wait.js';

const CLOSE = 'Connection: close\r\n';

describe('router: requests to an idled app', () => {
  const routers: TestRouter[] = [];
  const backends: TestBackend[] = [];
  after(async () => {
    for (const r of routers) await r.stop();
    for (const b of backends) await b.close();
  });

  it('decides to wake an app whose web dynos are all idle, and to wait once one is starting', () => {
    assert.deepEqual(routeDecision(app('a', [], { idle: true })), { kind: 'wake' });
    assert.deepEqual(routeDecision(app('a', [up(1, 'web.1', 'starting')], { idle: false })), { kind: 'wait' });
    assert.deepEqual(routeDecision(app('a', [], { idle: true, maintenance: true })), { kind: 'error', code: 'H80' });
    assert.deepEqual(routeDecision(app('a', [])), { kind: 'error', code: 'H14' });
  });

  it('holds the first request, asks for one wake, and answers once a dyno is up', async () => {
    const wakes: string[] = [];
    const r = await startTestRouter([app('sleepy', [], { idle: true })], { bootTimeoutMs: 10_000 }, { onWake: (name) => void wakes.push(name) });
    routers.push(r);
    const backend = await startBackend();
    backends.push(backend);
    const first = rawRequest(r.port, get(`sleepy.${DOMAIN}`, '/one', CLOSE), 10_000);
    const second = rawRequest(r.port, get(`sleepy.${DOMAIN}`, '/two', CLOSE), 10_000);
    await waitFor('the wake request', () => wakes.length > 0);
    // The agent starts the dyno: first starting, then up.
    r.update({ upsert: [app('sleepy', [up(backend.port, 'web.1', 'starting')])] });
    r.update({ upsert: [app('sleepy', [up(backend.port, 'web.1', 'up')])] });
    const answers = (await Promise.all([first, second])).map((raw) => parseResponse(raw).status);
    assert.deepEqual(answers, [200, 200]);
    assert.deepEqual(wakes, ['sleepy'], 'one wake for both requests');
  });

  it('answers H20 when the wake fails, and the next request asks for a wake again', async () => {
    const wakes: string[] = [];
    const r = await startTestRouter([app('broken', [], { idle: true })], { bootTimeoutMs: 10_000 }, { onWake: (name) => void wakes.push(name) });
    routers.push(r);
    const waiting = rawRequest(r.port, get(`broken.${DOMAIN}`, '/', CLOSE), 10_000);
    await waitFor('the first wake request', () => wakes.length === 1);
    r.update({ upsert: [app('broken', [up(1, 'web.1', 'starting')])] });
    // The dyno never came up: idle again, one more failed wake.
    r.update({ upsert: [app('broken', [], { idle: true, wakeFailures: 1 })] });
    const failed = parseResponse(await waiting);
    assert.equal(failed.status, 503);
    await r.waitForLog(/code=H20 desc="App boot timeout"/);
    const retry = rawRequest(r.port, get(`broken.${DOMAIN}`, '/again', CLOSE), 10_000);
    await waitFor('a second wake request', () => wakes.length === 2);
    const backend = await startBackend();
    backends.push(backend);
    r.update({ upsert: [app('broken', [up(backend.port, 'web.1', 'up')], { wakeFailures: 1 })] });
    assert.equal(parseResponse(await retry).status, 200);
    assert.deepEqual(wakes, ['broken', 'broken']);
  });
});
