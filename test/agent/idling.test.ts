import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AgentInfo } from '../../src/agent/agent-contract.js';
import { HostAgent } from '../../src/agent/host-agent.js';
import type { AppRouteConfig } from '../../src/agent/route-state.js';
import { DrainManager, LogChannels, LogSessions } from '../../src/logplex/index.js';
import { FakeRuntime } from './fake-runtime.js';
import { FakeClock } from '../support/fake-clock.js';
import { launchOf } from '../support/supervised-host.js';
import { waitFor } from '../support/wait.js';

const IDLE_AFTER = 60_000;
const shop: AppRouteConfig = { appId: 'app-1', name: 'shop', domains: [], maintenance: false, idleAfterMs: IDLE_AFTER };

/** A real HostAgent (supervisor, route state, idle watch, log channels) over a fake runtime and clock. */
async function idlingAgent() {
  const dir = await mkdtemp(join(tmpdir(), 'berth-idling-'));
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const channels = await LogChannels.open({ dir: join(dir, 'logs') });
  const drains = await DrainManager.open({ channels });
  const sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  const info: AgentInfo = { pid: process.pid, domain: 'berth.test', prefix: 'bidle', routerPorts: { http: 0 }, rendezvousPort: 0, startedAt: new Date().toISOString() };
  const agent = new HostAgent({
    domain: 'berth.test', runtime, channels, sessions, drains, info, timers: clock, now: clock.now,
    pushRoutes: () => undefined, onShutdown: () => undefined, idleGraceMs: 5_000,
  });
  return {
    agent,
    clock,
    runtime,
    configure: (config: AppRouteConfig) => agent.upsertRoute(config),
    route: () => agent.routes.current().apps.find((a) => a.app === 'shop'),
    state: () => agent.supervisor.list().map((d) => `${d.name}:${d.state}`),
    /** The app's platform lines of web.1, in order. */
    lines: () => channels.history('app-1').filter((e) => e.line.process === 'web.1').map((e) => e.line.message),
    async close() {
      await agent.close();
      sessions.close();
      await drains.close();
      await channels.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Harness = Awaited<ReturnType<typeof idlingAgent>>;

async function upAndServing(h: Harness): Promise<string> {
  h.configure(shop);
  const record = await h.agent.supervisor.start(launchOf());
  await waitFor('web.1 up', () => h.state().join() === 'web.1:up');
  return record.id;
}

describe('idling web dynos in the host agent', () => {
  const harnesses: Harness[] = [];
  after(async () => {
    for (const h of harnesses) await h.close();
  });
  const harness = async () => {
    const h = await idlingAgent();
    harnesses.push(h);
    return h;
  };

  it('idles the web dynos after the idle period without requests, with Heroku\'s lines, and keeps the record', async () => {
    const h = await harness();
    await upAndServing(h);
    h.clock.advance(IDLE_AFTER - 1_000);
    assert.deepEqual(h.state(), ['web.1:up'], 'not yet idle');
    h.clock.advance(1_000 + IDLE_AFTER / 4);
    await waitFor('web.1 idle with no process', () => h.state().join() === 'web.1:idle' && h.agent.supervisor.running(h.agent.supervisor.list()[0]!.id) === undefined);
    await waitFor('the exit line', () => h.lines().includes('Process exited with status 143'));
    assert.deepEqual(h.lines().slice(-4), ['Idling', 'State changed from up to down', 'Stopping all processes with SIGTERM', 'Process exited with status 143']);
    assert.deepEqual(h.runtime.dyno('web.1').stops, [5_000], 'SIGTERM with the idle grace');
    const route = h.route();
    assert.deepEqual([route?.idle, route?.backends], [true, []]);
  });

  it('counts every request as activity, so a busy app never idles', async () => {
    const h = await harness();
    await upAndServing(h);
    for (let i = 0; i < 6; i++) {
      h.clock.advance(IDLE_AFTER / 2);
      h.agent.routerLog('shop', 'at=info method=GET path="/" host=shop.berth.test status=200');
    }
    assert.deepEqual(h.state(), ['web.1:up']);
    assert.ok(!h.lines().includes('Idling'));
  });

  it('wakes an idle app on request: Unidling, the same dyno starts again and serves', async () => {
    const h = await harness();
    const id = await upAndServing(h);
    h.clock.advance(IDLE_AFTER + IDLE_AFTER / 4);
    await waitFor('web.1 idle', () => h.state().join() === 'web.1:idle' && h.lines().includes('Process exited with status 143'));
    assert.equal(h.agent.wake('shop'), 1);
    await waitFor('web.1 up again', () => h.state().join() === 'web.1:up');
    assert.deepEqual(h.lines().slice(-4), ['Unidling', 'State changed from down to starting', 'Starting process with command `node server.js`', 'State changed from starting to up']);
    assert.equal(h.agent.supervisor.list()[0]?.id, id, 'the dyno keeps its id');
    assert.equal(h.runtime.dynos.length, 2, 'a second process was started');
    assert.deepEqual(h.route()?.backends.map((b) => `${b.dynoName}:${b.state}`), ['web.1:up']);
    assert.equal(h.route()?.idle, undefined);
  });

  it('returns a dyno whose wake failed to idle and counts the failure, so the next request retries', async () => {
    const h = await harness();
    await upAndServing(h);
    h.clock.advance(IDLE_AFTER + IDLE_AFTER / 4);
    await waitFor('web.1 idle', () => h.state().join() === 'web.1:idle' && h.lines().includes('Process exited with status 143'));
    h.runtime.failNextStart('the sandbox could not be created');
    h.agent.wake('shop');
    await waitFor('the failed wake counted', () => h.route()?.wakeFailures === 1);
    assert.deepEqual(h.state(), ['web.1:idle']);
    assert.equal(h.route()?.idle, true);
    assert.deepEqual(h.lines().slice(-2), ['Error R99 (Platform error) -> the dyno could not be started: the sandbox could not be created', 'State changed from starting to down']);
    assert.equal(h.agent.wake('shop'), 1, 'the next request wakes it again');
    await waitFor('web.1 up', () => h.state().join() === 'web.1:up');
  });

  it('turns idling off for an app: an idle dyno wakes and the app no longer idles', async () => {
    const h = await harness();
    await upAndServing(h);
    h.clock.advance(IDLE_AFTER + IDLE_AFTER / 4);
    await waitFor('web.1 idle', () => h.state().join() === 'web.1:idle' && h.lines().includes('Process exited with status 143'));
    const { idleAfterMs: _off, ...always } = shop;
    h.configure(always);
    await waitFor('web.1 up', () => h.state().join() === 'web.1:up');
    h.clock.advance(IDLE_AFTER * 3);
    assert.deepEqual(h.state(), ['web.1:up']);
  });

  it('stops an idle dyno for good when the dyno manager asks (scale down, new release)', async () => {
    const h = await harness();
    const id = await upAndServing(h);
    h.clock.advance(IDLE_AFTER + IDLE_AFTER / 4);
    await waitFor('web.1 idle', () => h.state().join() === 'web.1:idle' && h.lines().includes('Process exited with status 143'));
    await h.agent.supervisor.stop(id, 5_000);
    assert.deepEqual(h.state(), []);
    assert.equal(h.route()?.idle, undefined, 'no idle dyno left: requests get H14');
  });

  it('leaves apps without an idle period and worker dynos running', async () => {
    const h = await harness();
    const { idleAfterMs: _off, ...always } = shop;
    h.configure(always);
    await h.agent.supervisor.start(launchOf());
    await h.agent.supervisor.start(launchOf({ type: 'worker', command: 'node worker.js' }));
    await waitFor('both up', () => h.state().sort().join() === 'web.1:up,worker.1:up');
    h.clock.advance(IDLE_AFTER * 3);
    assert.deepEqual(h.state().sort(), ['web.1:up', 'worker.1:up']);
  });
});
