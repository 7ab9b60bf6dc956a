import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { RawClient, app, get, parseResponse, rawRequest, startBackend, startTestRouter, up, type TestBackend } from './harness.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const slowOrHello = (name: string) => async (req: { url?: string }, res: { end(body: string): void }) => {
  if (req.url === '/slow') await pause(400);
  res.end(name);
};

describe('route table updates', () => {
  it('lets a request in flight finish on a dyno that was just removed, and sends new ones to the new dyno', async () => {
    const v1 = await startBackend(slowOrHello('v1'));
    const v2 = await startBackend(slowOrHello('v2'));
    cleanups.push(() => v1.close(), () => v2.close());
    const r = await startTestRouter([app('deploy', [up(v1.port, 'web.1')])], { responseTimeoutMs: 5_000 });
    cleanups.push(() => r.stop());
    const inFlight = rawRequest(r.port, get('deploy.berth.test', '/slow', 'Connection: close\r\n'), 5_000);
    await waitFor('the slow request to reach v1', () => v1.seen.length > 0);
    r.update({ upsert: [app('deploy', [up(v2.port, 'web.2')])] });
    const after = parseResponse(await rawRequest(r.port, get('deploy.berth.test', '/', 'Connection: close\r\n')));
    assert.equal(after.body.toString(), 'v2');
    const old = parseResponse(await inFlight);
    assert.equal(old.status, 200);
    assert.equal(old.body.toString(), 'v1');
  });

  it('drops no request while dynos are replaced under load', async () => {
    const started: TestBackend[] = [];
    const dyno = async (name: string) => {
      const b = await startBackend((_req, res) => setTimeout(() => res.end(name), 2));
      started.push(b);
      cleanups.push(() => b.close());
      return b;
    };
    let web = [await dyno('a'), await dyno('b')];
    const route = (bs: TestBackend[], gen: number) => app('busy', bs.map((b, i) => up(b.port, `web.${gen}${i}`)));
    const r = await startTestRouter([route(web, 0)], { responseTimeoutMs: 5_000 });
    cleanups.push(() => r.stop());

    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const client = async () => {
      const c = new RawClient(r.port);
      for (let i = 0; i < 5_000 && !stop; i++) {
        c.send(get('busy.berth.test', '/'));
        try {
          const res = await c.response(5_000);
          if (res.status === 200) ok++;
          else failures.push(`${res.status} ${res.body.toString().slice(0, 80)}`);
        } catch (err) {
          failures.push(String(err));
          break;
        }
      }
      c.close();
    };
    const clients = Array.from({ length: 8 }, client);
    // Three rolls paced while the clients keep sending: surge, switch, then the old dynos close.
    for (let gen = 1; gen <= 3; gen++) {
      await pause(100);
      const next = [await dyno(`a${gen}`), await dyno(`b${gen}`)];
      r.update({ upsert: [app('busy', [...route(web, gen - 1).backends, ...next.map((b, i) => up(b.port, `web.${gen}${i}`, 'starting'))])] });
      await pause(50);
      r.update({ upsert: [route(next, gen)] });
      const old = web;
      web = next;
      await pause(50);
      await Promise.all(old.map((b) => new Promise((resolve) => b.server.close(resolve))));
    }
    await pause(100);
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.ok(ok > 50, `only ${ok} requests completed`);
    assert.ok(started.at(-1)!.seen.length > 0, 'the last generation served');
  });
});
