import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EgressGuard, EgressRefusedError } from '../../src/egress/egress-guard.js';
import { guardedGet } from '../../src/egress/guarded-get.js';
import { type CountingServer, REDIRECTOR_ONLY, startCountingServer, startRedirector } from './targets.js';

/** Connects through the guard's lookup; resolves 'connected' or the error. */
function connect(guard: EgressGuard, host: string, port: number): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    try {
      guard.assertHost(host);
    } catch (err) {
      return resolve(err as Error);
    }
    const socket = net.connect({ host, port, lookup: guard.lookup });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', resolve);
  });
}

const refused = (result: 'connected' | Error, port: number): void => {
  assert.ok(result instanceof EgressRefusedError, String(result));
  assert.match(result.message, /refused by policy/);
  assert.doesNotMatch(result.message, new RegExp(String(port)), 'the refusal says nothing of the port');
};

describe('the egress guard', () => {
  let forbidden: CountingServer;
  before(async () => {
    forbidden = await startCountingServer('127.0.0.1');
  });
  after(() => forbidden.close());

  it('never connects to a name that resolves to loopback, nor to a loopback or private literal', async () => {
    const guard = new EgressGuard();
    refused(await connect(guard, 'localhost', forbidden.port), forbidden.port);
    refused(await connect(guard, '127.0.0.1', forbidden.port), forbidden.port);
    refused(await connect(guard, '::ffff:127.0.0.1', forbidden.port), forbidden.port);
    refused(await connect(guard, '10.213.7.9', forbidden.port), forbidden.port);
    assert.equal(forbidden.connections, 0);
  });

  it('connects to an allowed range, by name and by address', async () => {
    const guard = new EgressGuard(['127.0.0.0/8', '::1/128']);
    const allowed = await startCountingServer('127.0.0.1');
    try {
      assert.equal(await connect(guard, 'localhost', allowed.port), 'connected');
      assert.equal(await connect(guard, '127.0.0.1', allowed.port), 'connected');
      assert.equal(allowed.connections, 2);
    } finally {
      await allowed.close();
    }
  });

  it('resolves every address of a name for a child process, refusing the name if one is refused', async () => {
    assert.deepEqual(
      (await new EgressGuard(['127.0.0.0/8', '::1/128']).resolve('localhost')).every((a) => a.address === '127.0.0.1' || a.address === '::1'),
      true,
    );
    await assert.rejects(new EgressGuard().resolve('localhost'), /refused by policy/);
    await assert.rejects(new EgressGuard().resolve('[::1]'), /refused by policy/);
    assert.deepEqual(await new EgressGuard(['::1/128']).resolve('[::1]'), [{ address: '::1', family: 6 }]);
  });

  it('refuses a redirect to a refused address without connecting to it', async () => {
    const redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
    try {
      await assert.rejects(
        guardedGet(`http://127.0.0.2:${redirector.port}/x`, new EgressGuard(REDIRECTOR_ONLY), { maxRedirects: 5 }),
        (err: Error) => err instanceof EgressRefusedError && !err.message.includes(String(forbidden.port)),
      );
      assert.equal(redirector.connections, 1, 'the allowed first hop was fetched');
      assert.equal(forbidden.connections, 0);
      const res = await guardedGet(`http://127.0.0.2:${redirector.port}/x`, new EgressGuard(['127.0.0.0/8']), { maxRedirects: 5 });
      assert.equal(res.statusCode, 200);
      res.resume();
      assert.equal(forbidden.connections, 1, 'followed when the target is allowed too');
    } finally {
      await redirector.close();
    }
  });
});
