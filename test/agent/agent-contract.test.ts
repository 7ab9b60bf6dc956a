// The agent contract end to end over its real transport: an AgentClient talking to a HostAgent
// (host-agent-fixture.ts: real log channels, sessions and drains) on a unix socket. Dyno methods need
// sandboxes and are covered by the e2e suite; here every other method's request and answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AgentClient } from '../../src/agent/agent-client.js';
import type { AgentContract } from '../../src/agent/agent-contract.js';
import { connectRpc, RpcError, type RpcClient } from '../../src/agent/json-rpc.js';
import { startAgentFixture, type AgentFixture } from './host-agent-fixture.js';

describe('the agent contract between client and host agent', () => {
  let fixture: AgentFixture;
  let client: AgentClient;
  const socket = () => fixture.socket;

  before(async () => {
    fixture = await startAgentFixture();
    client = new AgentClient(await connectRpc<AgentContract>(socket()));
  });
  after(async () => {
    client.close();
    await fixture.remove();
  });

  it('hello answers the agent facts with its dynos', async () => {
    assert.deepEqual(await client.hello(), { ...fixture.info, dynos: [] });
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
    assert.ok(fixture.diffs.length >= 3, `expected a route diff per change, got ${fixture.diffs.length}`);
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
    assert.deepEqual(fixture.shutdowns, [true]);
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
