import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { Receiver, type Received } from '../support/webhook-receiver.js';

// A running Berth with `--allow-private-urls 127.0.0.0/8` (so a receiver on this host may be a
// webhook URL) and a short retry schedule: a real push is announced to an app's webhooks from
// where it happens (the build service, the platform's release path, the agent's dyno events),
// and a receiver that answers 500 is retried and recorded without failing the push.
describe('app webhooks on a running Berth', () => {
  const berth = useBerth({ args: ['--allow-private-urls', '127.0.0.0/8', '--webhook-retry-delays-ms', '50,100'] });
  const receiver = new Receiver();

  before(async () => {
    await receiver.start();
    berth.onShutDown(() => receiver.stop());
  });

  const hook = async (app: string, path: string, include: string[]): Promise<string> => {
    const res = await api(berth, `/apps/${app}/webhooks`, { method: 'POST', body: JSON.stringify({ url: `${receiver.url}${path}`, include, level: 'sync' }) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.headers.get('heroku-webhook-secret') as string;
  };
  const seen = (path: string, match: (r: Received) => boolean) => () => receiver.received.seen.find((r) => r.path === path && match(r));

  it('a push reaches the webhook as build, release and dyno events, and a receiver answering 500 does not fail it', async () => {
    const app = await berth.createApp('hooks');
    const secret = await hook(app, '/events', ['api:build', 'api:release', 'dyno']);
    receiver.answers.set('/broken', [500]);
    await hook(app, '/broken', ['api:release']);
    const repo = await berth.repo(app, 'procfile-web');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, `the push succeeds whatever the receivers do:\n${pushed.stdout}${pushed.stderr}`);

    const built = await waitFor('api:build update (succeeded)', seen('/events', (r) => r.json.resource === 'build' && r.json.action === 'update'));
    assert.equal(built.json.data.status, 'succeeded');
    assert.ok(seen('/events', (r) => r.json.resource === 'build' && r.json.action === 'create')(), 'the build start was announced');
    const released = await waitFor('api:release create', seen('/events', (r) => r.json.resource === 'release' && r.json.action === 'create' && r.json.data.version === 2));
    assert.equal(released.json.data.status, 'succeeded');
    assert.equal(released.headers['heroku-webhook-hmac-sha256'], createHmac('sha256', secret).update(released.body).digest('base64'));
    const up = await waitFor('dyno web.1 up', seen('/events', (r) => r.json.resource === 'dyno' && r.json.data.name === 'web.1' && r.json.data.state === 'up'));
    assert.equal(up.json.data.app.name, app);

    const failed = await waitFor('the 500 delivery to fail after its retries', async () => {
      const res = await api(berth, `/apps/${app}/webhook-deliveries?eq[status]=failed`);
      return res.body.length > 0 && res.body;
    });
    assert.deepEqual([failed[0].num_attempts, failed[0].last_attempt.code, failed[0].event.include], [3, 500, 'api:release']);
    const delivered = await api(berth, `/apps/${app}/webhook-deliveries?eq[status]=succeeded`);
    assert.ok(delivered.body.length >= 4, `the /events deliveries succeeded: ${JSON.stringify(delivered.body.map((d: { event: { include: string } }) => d.event.include))}`);
  });
});
