// AgentConnection against a real HostAgent on a unix socket (host-agent-fixture.ts): the agent
// goes away and comes back; the connection answers for it meanwhile and reconnects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AgentClient } from '../../src/agent/agent-client.js';
import { AgentConnection } from '../../src/agent/agent-connection.js';
import type { AgentContract } from '../../src/agent/agent-contract.js';
import { connectRpc } from '../../src/agent/json-rpc.js';
import type { DynoLaunch } from '../../src/core/dyno-host.js';
import { PlatformError } from '../../src/core/errors.js';
import { startAgentFixture, type AgentFixture } from './host-agent-fixture.js';

describe('the connection to the host agent', () => {
  let fixture: AgentFixture;
  let connection: AgentConnection;
  const logged: Array<Record<string, unknown>> = [];
  const events: string[] = [];
  let reconnects = 0;
  let connected: () => void = () => undefined;

  before(async () => {
    fixture = await startAgentFixture();
    const connect = async () => new AgentClient(await connectRpc<AgentContract>(fixture.socket));
    connection = new AgentConnection(await connect(), {
      reconnect: () => {
        reconnects += 1;
        return connect();
      },
      log: (event) => logged.push(event),
      initialDelayMs: 5,
      maxDelayMs: 20,
    });
    connection.onConnect(async () => {
      events.push('connected');
      connected();
    });
    connection.onLost(() => events.push('lost'));
    await connection.open();
  });
  after(async () => {
    connection.stopReconnecting();
    connection.current?.close();
    await fixture.remove();
  });

  it('runs its connect hooks when opened and serves the ports through the agent', async () => {
    assert.deepEqual(events, ['connected']);
    assert.equal(connection.connected, true);
    const appId = randomUUID();
    const drain = await connection.addDrain(appId, 'syslog://127.0.0.1:9');
    assert.deepEqual((await connection.listDrains(appId)).map((d) => d.id), [drain.id]);
    await connection.removeDrain(appId, drain.id);
  });

  it('turns the agent errors that carry a PlatformError id back into PlatformErrors', async () => {
    await assert.rejects(connection.addDrain(randomUUID(), 'ftp://example.com'), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params');
  });

  it('while the agent is away, reads answer empty, stops are no-ops and the rest says it is not connected', async () => {
    const back = new Promise<void>((resolve) => (connected = resolve));
    await fixture.stop();
    await connection.current?.closed;
    assert.equal(connection.connected, false);
    assert.deepEqual(events, ['connected', 'lost']);
    assert.deepEqual(await connection.list(), []);
    assert.deepEqual(await connection.listDrains(randomUUID()), []);
    await connection.stop(randomUUID(), 1000);
    await connection.forget(randomUUID());
    await assert.rejects(connection.start({ id: randomUUID() } as DynoLaunch), /the host agent is not connected/);
    await assert.rejects(connection.addDrain(randomUUID(), 'syslog://127.0.0.1:9'), /the host agent is not connected/);
    await assert.rejects(connection.setRoutes([]), /the host agent is not connected/);
    assert.ok(logged.some((e) => e.msg === 'lost the host agent; reconnecting'), JSON.stringify(logged));

    // The agent comes back on the same socket: the connection finds it and runs its hooks again.
    await fixture.restart();
    await back;
    assert.equal(connection.connected, true);
    assert.deepEqual(events, ['connected', 'lost', 'connected']);
    assert.ok(reconnects >= 1);
    assert.deepEqual(await connection.list(), []);
  });

  it('stops following the agent once told to', async () => {
    connection.stopReconnecting();
    const client = connection.current;
    await fixture.stop();
    await client?.closed;
    assert.equal(connection.current, client, 'the last client is kept, not replaced');
    assert.deepEqual(events, ['connected', 'lost', 'connected']);
    await fixture.restart();
  });
});
