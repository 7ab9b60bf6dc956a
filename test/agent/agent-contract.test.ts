// The agent contract end to end over its real transport: an AgentClient talking to a HostAgent
// (real log channels, sessions and drains in a temp dir) on a unix socket. Dyno methods need
// sandboxes and are covered by the e2e suite; here every other method's request and answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../src/agent/agent-client.js';
import type { AgentContract } from '../../src/agent/agent-contract.js';
import { HostAgent } from '../../src/agent/host-agent.js';
import { connectRpc, RpcError, type RpcClient } from '../../src/agent/json-rpc.js';
import type { RouteDiff } from '../../src/core/route-table.js';
import { DrainManager, LogChannels, LogSessions } from '../../src/logplex/index.js';

describe('the agent contract between client and host agent', () => {
  let dir: string;
  let channels: LogChannels;
  let drains: DrainManager;
  let sessions: LogSessions;
  let agent: HostAgent;
  let client: AgentClient;
  const diffs: RouteDiff[] = [];
  const shutdowns: boolean[] = [];
  const info = { pid: process.pid, domain: 'berth.test', prefix: 'btest', routerPorts: { http: 18080 }, rendezvousPort: 15001, startedAt: new Date().toISOString() };
  const socket = () => join(dir, 'agent.sock');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-contract-'));
    channels = await LogChannels.open({ dir: join(dir, 'logs') });
    drains = await DrainManager.open({ channels });
    sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
    agent = new HostAgent({
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
    await agent.listen(socket());
    client = new AgentClient(await connectRpc<AgentContract>(socket()));
  });
  after(async () => {
    client.close();
    await agent.close();
    sessions.close();
    await drains.close();
    await channels.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hello answers the agent facts with its dynos', async () => {
    assert.deepEqual(await client.hello(), { ...info, dynos: [] });
    assert.deepEqual(await client.list(), []);
  });

  it('routes set, upserted and removed reach the route table', async () => {
    const appId = randomUUID();
    await client.setRoutes([{ appId, name: 'shop', domains: [], maintenance: false }]);
    await client.upsertRoute({ appId, name: 'shop', domains: ['www.example.com'], maintenance: true });
    const raw = await connectRpc<AgentContract>(socket());
    const snapshot = await raw.call('routes.snapshot', {});
    assert.deepEqual(snapshot.apps.map((a) => [a.app, a.maintenance, a.domains]), [['shop', true, ['www.example.com']]]);
    await client.removeApp(appId);
    assert.deepEqual((await raw.call('routes.snapshot', {})).apps, []);
    raw.close();
    assert.ok(diffs.length >= 3, `expected a route diff per change, got ${diffs.length}`);
  });

  it('certificates of an app are counted by hostname', async () => {
    assert.deepEqual(await client.setCertificates(randomUUID(), []), { hostnames: 0 });
    assert.deepEqual(await client.resetCertificates([]), { hostnames: 0 });
  });

  it('appended log lines come back from the history', async () => {
    const appId = randomUUID();
    await client.appendLogs(appId, [{ source: 'app', process: 'api', message: 'Release v1 created' }]);
    const raw = await connectRpc<AgentContract>(socket());
    const history = await raw.call('log.history', { appId });
    raw.close();
    assert.deepEqual(history.map((e) => `${e.line.source}[${e.line.process}]: ${e.line.message}`), ['app[api]: Release v1 created']);
  });

  it('issues log sessions with a path under the session prefix', async () => {
    const session = await client.issueLogSession(randomUUID(), { tail: false, lines: 10 });
    assert.match(session.path, /^\/log-sessions\/\S+$/);
  });

  it('drains are added, listed and removed as DrainViews', async () => {
    const appId = randomUUID();
    const added = await client.addDrain(appId, 'syslog://127.0.0.1:9');
    assert.equal(added.url, 'syslog://127.0.0.1:9');
    assert.match(added.token, /^d\./);
    assert.deepEqual((await client.listDrains(appId)).map((d) => d.id), [added.id]);
    assert.equal((await client.removeDrain(appId, added.token)).id, added.id);
    assert.deepEqual(await client.listDrains(appId), []);
  });

  it('keeps PlatformError ids and turns bad params into bad_request', async () => {
    await assert.rejects(client.addDrain(randomUUID(), 'ftp://example.com'), (err: RpcError) => err.code === 'invalid_params');
    await assert.rejects(client.removeDrain(randomUUID(), 'nope'), (err: RpcError) => err.code === 'not_found');
    // A client holding another idea of the contract (an id that is not a string).
    const loose = (await connectRpc(socket())) as unknown as RpcClient<{ methods: { 'dyno.stop': { request: { id: number }; response: void } }; events: Record<string, never> }>;
    await assert.rejects(loose.call('dyno.stop', { id: 7 }), (err: RpcError) => err.code === 'bad_request' && /id is required/.test(err.message));
    loose.close();
  });

  it('shutdown answers first and then asks the agent to stop', async () => {
    await client.shutdown(true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(shutdowns, [true]);
  });
});

/**
 * Compile-time checks, never called: tsc fails the build when one of these stops being an error,
 * i.e. when the contract no longer catches a wrong method name or request shape.
 */
export function contractTypeChecks(rpc: RpcClient<AgentContract>): void {
  // @ts-expect-error: no such method in the contract
  void rpc.call('dynos.list', {});
  // @ts-expect-error: routes.upsert takes the AppRouteConfig itself
  void rpc.call('routes.upsert', { app: { appId: 'a', name: 'a', domains: [], maintenance: false } });
  // @ts-expect-error: log.history answers entries, not strings
  void rpc.call('log.history', { appId: 'a' }).then((lines: string[]) => lines);
}
