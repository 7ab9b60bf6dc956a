// The official `heroku` CLI's webhooks commands (devDependency heroku@11) with HEROKU_HOST at
// Berth's API, over the real webhook recorder and sender delivering to a receiver on 127.0.0.1
// (allowed as `--allow-private-urls 127.0.0.0/8` would). The CLI sends Accept `version=3.webhooks`
// and Basic auth with an empty user; its output is checked, and Berth's state behind it.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookRecorder } from '../../src/api/webhook-recorder.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { WebhookSender } from '../../src/webhooks/webhook-sender.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { describeResult, flat, runHeroku } from '../support/heroku-cli.js';
import { waitFor } from '../support/wait.js';
import { Receiver } from '../support/webhook-receiver.js';



describe('the official heroku CLI: webhooks against Berth', () => {
  let root: string;
  let api: ApiHarness;
  let key: string;
  let sender: WebhookSender;
  let recorder: WebhookRecorder;
  const receiver = new Receiver();
  const APP = 'official-hooks';
  let hookId = '';
  let secret = '';

  const heroku = async (t: TestContext, ...args: string[]) => {
    const result = await runHeroku({ apiUrl: api.url, home: root, apiKey: key }, args);
    t.diagnostic(`heroku ${args.join(' ')}: exit ${result.code}`);
    return result;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-heroku-hooks-'));
    await receiver.start();
    api = await startApi();
    sender = new WebhookSender({ store: api.store, egress: new EgressGuard(['127.0.0.0/8']), retryDelaysMs: [20], log: () => undefined });
    sender.start();
    recorder = new WebhookRecorder(api.deps, () => sender.wake());
    api.events.subscribe((event) => recorder.publish(event));
    key = (await api.createUser('official-hooks@example.com')).key;
    const res = await api.request('/apps', { key, method: 'POST', body: JSON.stringify({ name: APP }) });
    assert.equal(res.status, 201);
  });

  after(async () => {
    await sender?.stop();
    await recorder?.settled();
    await api?.close();
    await receiver.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('webhooks:add prints the signing secret and the webhook exists as asked', async (t) => {
    const r = await heroku(t, 'webhooks:add', '-a', APP, '-i', 'api:app,dyno', '-l', 'sync', '-u', `${receiver.url}/official`, '-t', 'Bearer official');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /Webhooks Signing Secret/);
    secret = /^([0-9a-f]{60})$/m.exec(r.stdout)?.[1] ?? '';
    assert.notEqual(secret, '', describeResult(r));
    const app = await api.store.apps.findByName(APP);
    const [hook] = await api.store.webhooks.list(app!.id);
    assert.deepEqual([hook?.url, hook?.include, hook?.level, hook?.secret, hook?.authorization], [`${receiver.url}/official`, ['api:app', 'dyno'], 'sync', secret, 'Bearer official']);
    hookId = hook!.id;
  });

  it('webhooks lists it and webhooks:info shows it', async (t) => {
    const list = await heroku(t, 'webhooks', '-a', APP);
    assert.equal(list.code, 0, describeResult(list));
    assert.match(flat(list.stdout), new RegExp(`${hookId} ${receiver.url.replace(/[.]/g, '\\.')}/official api:app,dyno sync`));
    const info = await heroku(t, 'webhooks:info', hookId, '-a', APP);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /Include: +api:app,dyno/);
    assert.match(info.stdout, /Level: +sync/);
  });

  it('webhooks:update changes the level and entities', async (t) => {
    const r = await heroku(t, 'webhooks:update', hookId, '-a', APP, '-i', 'api:app', '-l', 'notify', '-u', `${receiver.url}/official`, '-s', secret);
    assert.equal(r.code, 0, describeResult(r));
    const app = await api.store.apps.findByName(APP);
    const hook = await api.store.webhooks.find(app!.id, hookId);
    assert.deepEqual([hook?.include, hook?.level, hook?.secret], [['api:app'], 'notify', secret]);
  });

  it('a change is delivered signed, and webhooks:deliveries, deliveries:info and events show it', async (t) => {
    const maintenance = await heroku(t, 'maintenance:on', '-a', APP);
    assert.equal(maintenance.code, 0, describeResult(maintenance));
    const got = await receiver.received.next('the api:app delivery', (r) => r.path === '/official');
    assert.equal(got.headers['heroku-webhook-hmac-sha256'], createHmac('sha256', secret).update(got.body).digest('base64'));
    assert.equal(got.headers.authorization, 'Bearer official');
    const app = await api.store.apps.findByName(APP);
    const [delivery] = await waitFor('the delivery to succeed', async () => {
      const list = await api.store.webhooks.listDeliveries(app!.id, 'succeeded');
      return list.length > 0 && list;
    });
    const deliveries = await heroku(t, 'webhooks:deliveries', '-a', APP);
    assert.equal(deliveries.code, 0, describeResult(deliveries));
    assert.match(flat(deliveries.stdout), new RegExp(`${delivery!.id} \\S+ succeeded api:app notify 1 200`));
    const info = await heroku(t, 'webhooks:deliveries:info', delivery!.id, '-a', APP);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /Status: +succeeded/);
    assert.match(info.stdout, /"resource": "app"/);
    const events = await heroku(t, 'webhooks:events', '-a', APP);
    assert.equal(events.code, 0, describeResult(events));
    assert.match(flat(events.stdout), new RegExp(`${delivery!.eventId} app update`));
    const event = await heroku(t, 'webhooks:events:info', delivery!.eventId, '-a', APP);
    assert.equal(event.code, 0, describeResult(event));
    assert.match(event.stdout, new RegExp(`=== ${delivery!.eventId}`));
    assert.match(event.stdout, /"resource": "app"/);
    assert.match(event.stdout, new RegExp(`"name": "${APP}"`));
  });

  it('webhooks:remove removes it', async (t) => {
    const r = await heroku(t, 'webhooks:remove', hookId, '-a', APP);
    assert.equal(r.code, 0, describeResult(r));
    const list = await heroku(t, 'webhooks', '-a', APP);
    assert.match(flat(list.stdout), /has no webhooks/);
  });
});
