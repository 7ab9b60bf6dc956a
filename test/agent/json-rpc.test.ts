import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRpc, RpcError, serveRpc, type RpcServer } from '../../src/agent/json-rpc.js';

/** What the test server serves; the client's contract also has a method the server lacks (an older agent). */
type ServerContract = {
  methods: {
    echo: { request: { a?: number }; response: unknown };
    fail: { request: Record<string, never>; response: never };
    slow: { request: Record<string, never>; response: string };
  };
  events: { 'dyno.state': { name: string } };
};
type ClientContract = ServerContract & { methods: ServerContract['methods'] & { nope: { request: Record<string, never>; response: void } } };

describe('the agent JSON-lines RPC', () => {
  let dir: string;
  let socketPath: string;
  let server: RpcServer<ServerContract>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-rpc-'));
    socketPath = join(dir, 'agent.sock');
    server = await serveRpc<ServerContract>(socketPath, {
      echo: (params) => params,
      fail: () => {
        throw new RpcError('no such dyno', 'not_found');
      },
      slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)),
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers calls with their results, in any order', async () => {
    const client = await connectRpc<ClientContract>(socketPath);
    const [slow, fast] = await Promise.all([client.call('slow', {}), client.call('echo', { a: 1 })]);
    assert.equal(slow, 'late');
    assert.deepEqual(fast, { a: 1 });
    client.close();
  });

  it('carries error messages and codes to the caller', async () => {
    const client = await connectRpc<ClientContract>(socketPath);
    await assert.rejects(client.call('fail', {}), (err: RpcError) => err.message === 'no such dyno' && err.code === 'not_found');
    await assert.rejects(client.call('nope', {}), (err: RpcError) => err.code === 'unknown_method');
    client.close();
  });

  it('pushes events to every connected client', async () => {
    const a = await connectRpc<ClientContract>(socketPath);
    const b = await connectRpc<ClientContract>(socketPath);
    await a.call('echo', {});
    await b.call('echo', {});
    const got = await Promise.all([a, b].map((c) => new Promise((resolve) => c.on('dyno.state', resolve))).concat(Promise.resolve(server.broadcast('dyno.state', { name: 'web.1' }))));
    assert.deepEqual(got.slice(0, 2), [{ name: 'web.1' }, { name: 'web.1' }]);
    a.close();
    b.close();
  });

  it('rejects pending calls when the connection closes', async () => {
    const client = await connectRpc<ClientContract>(socketPath);
    const call = client.call('slow', {});
    client.close();
    await assert.rejects(call, (err: RpcError) => err.code === 'closed');
  });

  it('survives malformed lines and keeps serving the connection', async () => {
    const raw = createConnection(socketPath);
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      raw.on('data', (c) => {
        text += c.toString();
        if (text.split('\n').length > 2) resolve(text);
      });
      raw.write('not json\n{"id":7,"method":"echo","params":{"ok":true}}\n');
    });
    raw.destroy();
    const [first, second] = reply.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(first.error.code, 'bad_request');
    assert.deepEqual(second, { id: 7, result: { ok: true } });
  });

  it('fails to connect with a clear error when no agent listens', async () => {
    await assert.rejects(connectRpc(join(dir, 'missing.sock')), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
  });
});
