import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { Receiver } from '../support/webhook-receiver.js';

// A delivery waiting for its retry is in Berth's state, not in the control plane's memory: a
// control plane killed with SIGKILL between two attempts loses nothing, the next one sends it.
describe('webhook deliveries survive a control-plane crash', () => {
  const ARGS = ['--allow-private-urls', '127.0.0.0/8', '--webhook-retry-delays-ms', '3000'];
  const receiver = new Receiver();
  let first: BerthProcess;
  let second: BerthProcess | undefined;

  before(async () => {
    await receiver.start();
    first = await startBerth({ args: ARGS });
  });
  after(async () => {
    const left = await shutDown(second ?? first, { killedEarlier: second !== undefined });
    await first?.stop();
    await receiver.stop();
    assert.deepEqual(left, [], 'nothing of berth outlives it');
  });

  it('a delivery retrying when the control plane is killed is retried by the next one', async () => {
    const app = `hooks-${suffix()}`;
    assert.equal((await api(first, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) })).status, 201);
    receiver.answers.set('/retry', [500, 200]);
    const hook = await api(first, `/apps/${app}/webhooks`, { method: 'POST', body: JSON.stringify({ url: `${receiver.url}/retry`, include: ['api:app'], level: 'sync' }) });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.equal((await api(first, `/apps/${app}`, { method: 'PATCH', body: JSON.stringify({ maintenance: true }) })).status, 200);
    const [retrying] = await waitFor('the first attempt to be recorded as retrying', async () => {
      const res = await api(first, `/apps/${app}/webhook-deliveries?eq[status]=retrying`);
      return res.body.length > 0 && res.body;
    });
    assert.deepEqual([retrying.num_attempts, retrying.last_attempt.code], [1, 500]);

    assert.equal(await first.stop('SIGKILL'), null);
    second = await startBerth({ dataDir: first.dataDir, args: ARGS });
    const done = await waitFor('the next control plane to deliver it', async () => {
      const res = await api(second as BerthProcess, `/apps/${app}/webhook-deliveries/${retrying.id as string}`);
      return res.body.status === 'succeeded' && res.body;
    });
    assert.deepEqual([done.num_attempts, done.last_attempt.code], [2, 200]);
    assert.equal(receiver.received.seen.filter((r) => r.path === '/retry').length, 2, 'sent once per attempt, not again');
  });
});
