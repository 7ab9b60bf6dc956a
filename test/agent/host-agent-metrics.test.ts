// The host agent's metrics wiring: a real HostAgent (real log channels) over the fake runtime on
// a fake clock; router lines, dyno samples, crashes, restarts and R-codes reach `metrics.minutes`.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentClient } from '../../src/agent/agent-client.js';
import type { AgentContract } from '../../src/agent/agent-contract.js';
import { HostAgent } from '../../src/agent/host-agent.js';
import { connectRpc } from '../../src/agent/json-rpc.js';
import { DrainManager, LogChannels, LogSessions } from '../../src/logplex/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { launchOf } from '../support/supervised-host.js';
import { waitFor } from '../support/wait.js';
import { FakeRuntime } from './fake-runtime.js';

const MB = 1024 * 1024;
const line = (status: number, service: string, code?: string) =>
  `${code ? `at=error code=${code} desc="x"` : 'at=info'} method=GET path="/" host=shop.berth.test request_id=r fwd="127.0.0.1" dyno=web.1 connect=0ms service=${service} status=${status} bytes=2 protocol=http`;

describe('host agent metrics', () => {
  let dir: string;
  let channels: LogChannels;
  let drains: DrainManager;
  let sessions: LogSessions;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-agent-metrics-'));
    channels = await LogChannels.open({ dir: join(dir, 'logs') });
    drains = await DrainManager.open({ channels });
    sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  });
  after(async () => {
    sessions.close();
    await drains.close();
    await channels.close();
    await rm(dir, { recursive: true, force: true });
  });

  const agentOn = (clock: FakeClock, runtime: FakeRuntime) =>
    new HostAgent({
      domain: 'berth.test',
      runtime,
      channels,
      sessions,
      drains,
      pushRoutes: () => undefined,
      now: clock.now,
      timers: clock,
      metricsEveryMs: 5_000,
      onShutdown: () => undefined,
      info: { pid: process.pid, domain: 'berth.test', prefix: 'btest', routerPorts: { http: 1 }, rendezvousPort: 1, startedAt: new Date(0).toISOString() },
    });

  it("counts an app's router lines, a crash and the restart after it, R-codes and its dyno's memory, and forgets them with the app", async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime(clock);
    const agent = agentOn(clock, runtime);
    await agent.listen(join(dir, 'agent.sock'));
    const client = new AgentClient(await connectRpc<AgentContract>(join(dir, 'agent.sock')));
    const minutes = (r: { from: number; to: number }) => client.metricsMinutes(r);
    await client.setRoutes([{ appId: 'app-1', name: 'shop', domains: [], maintenance: false }]);

    await agent.supervisor.start(launchOf());
    await waitFor('web.1 up', () => agent.supervisor.list().some((d) => d.name === 'web.1' && d.state === 'up'));
    agent.routerLog('shop', line(200, '12ms'));
    agent.routerLog('shop', line(200, '30ms'));
    agent.routerLog('shop', line(503, '', 'H12'));
    agent.routerLog('other-app', line(200, '1ms'));
    runtime.dyno('web.1').rssBytes = 600 * MB;
    clock.advance(5_000);
    await waitFor('a sample of web.1', async () => ((await minutes({ from: 0, to: clock.now() / 1000 }))[0]?.dynos.length ?? 0) > 0);
    runtime.dyno('web.1').exit(1);
    await waitFor('web.1 crashed', () => agent.supervisor.list().some((d) => d.state === 'crashed'));
    agent.supervisor.forget(agent.supervisor.list()[0]!.id);
    await agent.supervisor.start(launchOf());

    const [rows, ...others] = await minutes({ from: 0, to: clock.now() / 1000 });
    assert.equal(others.length, 0, 'only the app the agent routes is counted');
    assert.equal(rows!.appId, 'app-1');
    const m = rows!.minutes.at(-1)!;
    assert.deepEqual(m.requests, { '2xx': 2, '3xx': 0, '4xx': 0, '5xx': 1 });
    assert.deepEqual(m.errors, { H12: 1 });
    assert.deepEqual(m.runtimeErrors, { R14: 1 });
    assert.equal(m.p99, 30);
    assert.deepEqual([m.crashes, m.restarts], [1, 1]);
    assert.deepEqual(rows!.dynos.map((d) => [d.dyno, d.type, d.rssMb, d.quotaMb]), [['web.1', 'web', 600, 512]]);

    await client.removeApp('app-1');
    assert.deepEqual(await minutes({ from: 0, to: clock.now() / 1000 }), []);
    client.close();
    await agent.close();
  });
});
