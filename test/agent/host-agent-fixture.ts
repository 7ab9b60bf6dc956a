// A real HostAgent for the agent tests: real log channels, sessions and drains in a temp dir,
// served on a unix socket; no sandboxes (dyno.start rejects), routes pushed into `diffs`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentInfo } from '../../src/agent/agent-contract.js';
import { HostAgent } from '../../src/agent/host-agent.js';
import type { RouteDiff } from '../../src/core/route-table.js';
import { DrainManager, LogChannels, LogSessions } from '../../src/logplex/index.js';

export interface AgentFixture {
  agent: HostAgent;
  socket: string;
  info: AgentInfo;
  diffs: RouteDiff[];
  /** killDynos of every shutdown request, in order. */
  shutdowns: boolean[];
  /** Closes the socket (clients see the agent go away); the data stays for a restart. */
  stop(): Promise<void>;
  /** Serves the same data again on the same socket, as a restarted agent would. */
  restart(): Promise<void>;
  /** Stops and removes everything. */
  remove(): Promise<void>;
}

export async function startAgentFixture(): Promise<AgentFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-agent-'));
  const socket = join(dir, 'agent.sock');
  const info: AgentInfo = { pid: process.pid, domain: 'berth.test', prefix: 'btest', routerPorts: { http: 18080 }, rendezvousPort: 15001, startedAt: new Date().toISOString() };
  const diffs: RouteDiff[] = [];
  const shutdowns: boolean[] = [];
  const channels = await LogChannels.open({ dir: join(dir, 'logs') });
  const drains = await DrainManager.open({ channels });
  const sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  const create = () =>
    new HostAgent({
      domain: info.domain,
      runtime: { start: () => Promise.reject(new Error('no sandboxes in this test')) },
      channels,
      sessions,
      drains,
      pushRoutes: (diff) => void diffs.push(diff),
      now: () => Date.now(),
      onShutdown: ({ killDynos }) => void shutdowns.push(killDynos),
      info,
    });
  const fixture: AgentFixture = {
    agent: create(),
    socket,
    info,
    diffs,
    shutdowns,
    stop: () => fixture.agent.close(),
    async restart() {
      fixture.agent = create();
      await fixture.agent.listen(socket);
    },
    async remove() {
      await fixture.agent.close();
      sessions.close();
      await drains.close();
      await channels.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await fixture.agent.listen(socket);
  return fixture;
}
