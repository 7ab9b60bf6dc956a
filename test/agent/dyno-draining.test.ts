import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynoSupervisor } from '../../src/agent/dyno-supervisor.js';
import type { DynoRecord } from '../../src/core/dyno-host.js';
import { EventQueue } from '../support/event-queue.js';
import { FakeClock } from '../support/fake-clock.js';
import { launchOf } from '../support/supervised-host.js';
import { FakeRuntime } from './fake-runtime.js';

interface DrainCall {
  dyno: DynoRecord;
  address: { host: string; port: number };
  timeoutMs: number;
  finish(): void;
}

/** A supervisor over a fake runtime whose router drain the test finishes by hand. */
function drainingHost() {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const steps = new EventQueue<string>((s) => s);
  const drains = new EventQueue<DrainCall>((d) => `drain ${d.dyno.name}`);
  const supervisor = new DynoSupervisor({
    runtime,
    now: clock.now,
    timers: clock,
    logs: {
      append: (_appId, input) => steps.push(`heroku[${input.process}]: ${input.message}`),
      ingest: async (_appId, _source, _process, stream) => {
        for await (const chunk of stream) void chunk;
      },
    },
    onChange: (dyno) => steps.push(`${dyno.name} ${dyno.state}`),
    drain: (dyno, address, timeoutMs) => new Promise<void>((finish) => drains.push({ dyno, address, timeoutMs, finish })),
  });
  return { clock, runtime, supervisor, steps, drains };
}

describe('a stopping web dyno drains before SIGTERM', () => {
  it('leaves the route, waits until the router confirmed the drain, then sends SIGTERM', async () => {
    const h = drainingHost();
    const { id } = await h.supervisor.start(launchOf());
    await h.steps.next('web.1 up', (s) => s === 'web.1 up');
    const stopped = h.supervisor.stop(id, 5_000);
    const drain = await h.drains.next('a drain of web.1', () => true);
    assert.equal(drain.dyno.state, 'stopping', 'the route dropped the dyno before the drain began');
    assert.deepEqual(drain.address, { host: '10.0.0.2', port: 5000 });
    assert.equal(drain.timeoutMs, 5_000);
    assert.deepEqual(h.runtime.dyno('web.1').stops, [], 'no SIGTERM while the drain runs');
    drain.finish();
    await stopped;
    assert.deepEqual(h.runtime.dyno('web.1').stops, [5_000]);
    const order = h.steps.seen.filter((s) => /^web\.1 (stopping|down)$|SIGTERM/.test(s));
    assert.deepEqual(order, ['web.1 stopping', 'heroku[web.1]: Stopping all processes with SIGTERM', 'web.1 down']);
  });

  it('sends SIGTERM when the stop grace ran out before the drain was confirmed', async () => {
    const h = drainingHost();
    const { id } = await h.supervisor.start(launchOf());
    await h.steps.next('web.1 up', (s) => s === 'web.1 up');
    const stopped = h.supervisor.stop(id, 5_000);
    await h.drains.next('a drain of web.1', () => true);
    h.clock.advance(4_999);
    assert.deepEqual(h.runtime.dyno('web.1').stops, []);
    h.clock.advance(1);
    await stopped;
    assert.deepEqual(h.runtime.dyno('web.1').stops, [5_000]);
  });

  it('stops a worker dyno and a web dyno that never came up without a drain', async () => {
    const h = drainingHost();
    const worker = await h.supervisor.start(launchOf({ type: 'worker', command: 'node worker.js' }));
    h.runtime.bindAtOnce = false;
    const web = await h.supervisor.start(launchOf());
    await h.steps.next('worker.1 up', (s) => s === 'worker.1 up');
    await h.supervisor.stop(worker.id, 5_000);
    await h.supervisor.stop(web.id, 5_000);
    assert.deepEqual(h.drains.seen, []);
    assert.deepEqual([h.runtime.dyno('worker.1').stops, h.runtime.dyno('web.1').stops], [[5_000], [5_000]]);
  });
});
