// App webhook deliveries end to end in one process: the real API publishes events, the recorder
// stores them, the sender posts them through the egress guard to a real receiver on 127.0.0.1
// (allowed as `--allow-private-urls 127.0.0.0/8` would) with a short retry schedule.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WebhookRecorder } from '../../src/api/webhook-recorder.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { WebhookSender, type WebhookSenderOptions } from '../../src/webhooks/webhook-sender.js';
import { deploy, newApp } from '../api/deploy-helpers.js';
import { expectJson, jsonBody } from '../api/helpers.js';
import { useApi } from '../support/api-harness.js';
import { EventQueue } from '../support/event-queue.js';
import { waitFor } from '../support/wait.js';
import { Receiver } from '../support/webhook-receiver.js';

const api = useApi();
const dev = api.user('delivery-dev@example.com');
const receiver = new Receiver();
const attempts = new EventQueue<{ id: string; status: string; attempt: { code: number | null; errorClass: string | null } }>();
const loopback = new EgressGuard(['127.0.0.0/8']);
const senders: WebhookSender[] = [];
let recorder: WebhookRecorder;
let sender: WebhookSender;

function newSender(options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const made = new WebhookSender({ store: api.store, egress: loopback, retryDelaysMs: [30, 60], timeoutMs: 5_000, log: () => undefined, observe: attempts.push, ...options });
  senders.push(made);
  return made;
}

async function appWithHook(path: string, body: Record<string, unknown>): Promise<{ app: { id: string; name: string }; hookId: string; secret: string }> {
  const app = await newApp(api, dev.key, 'deliver');
  const res = await api.request(`/apps/${app.name}/webhooks`, { key: dev.key, method: 'POST', body: jsonBody({ url: `${receiver.url}${path}`, ...body }) });
  const hook = await expectJson<{ id: string }>(res, 201);
  return { app, hookId: hook.id, secret: res.headers.get('heroku-webhook-secret') as string };
}

const maintenance = (app: string, on: boolean) => api.request(`/apps/${app}`, { key: dev.key, method: 'PATCH', body: jsonBody({ maintenance: on }) });

interface DeliveryJson {
  id: string;
  status: string;
  num_attempts: number;
  next_attempt_at: string | null;
  event: { id: string; include: string };
  webhook: { id: string; level: string };
  last_attempt: { code: number | null; error_class: string | null; status: string } | null;
}

async function deliveries(app: string): Promise<DeliveryJson[]> {
  return expectJson<DeliveryJson[]>(await api.request(`/apps/${app}/webhook-deliveries`, { key: dev.key }), 200);
}

describe('webhook deliveries', () => {
  // Inside the block: the API (useApi's top-level hooks) is up before these run and closes after.
  before(async () => {
    await receiver.start();
    sender = newSender();
    sender.start();
    recorder = new WebhookRecorder(api.deps, () => sender.wake());
    api.events.subscribe((event) => recorder.publish(event));
  });
  after(async () => {
    for (const made of senders) await made.stop();
    await recorder.settled();
    for (const res of receiver.hanging) res.destroy();
    await receiver.stop();
  });

  it('an app change reaches the receiver as Heroku shapes it, signed with the secret and carrying the authorization header', async () => {
    const { app, hookId, secret } = await appWithHook('/signed', { include: ['api:app'], level: 'sync', authorization: 'Bearer let-me-in' });
    await expectJson(await maintenance(app.name, true), 200);
    const got = await receiver.received.next('the api:app delivery', (r) => r.path === '/signed');
    assert.equal(got.headers['heroku-webhook-hmac-sha256'], createHmac('sha256', secret).update(got.body).digest('base64'));
    assert.equal(got.headers.authorization, 'Bearer let-me-in');
    assert.equal(got.headers['content-type'], 'application/json');
    const { json } = got;
    assert.deepEqual([json.resource, json.action, json.version], ['app', 'update', 'application/vnd.heroku+json; version=3']);
    assert.deepEqual(json.actor, { email: dev.email, id: dev.accountId });
    assert.deepEqual([json.data.name, json.data.maintenance, json.previous_data], [app.name, true, { maintenance: false }]);
    assert.equal(json.webhook_metadata.webhook.id, hookId);
    assert.equal(json.webhook_metadata.event.include, 'api:app');

    const [delivery] = await deliveries(app.name);
    await attempts.next('the succeeded attempt', (a) => a.id === delivery?.id);
    const done = await expectJson<DeliveryJson>(await api.request(`/apps/${app.name}/webhook-deliveries/${json.webhook_metadata.delivery.id}`, { key: dev.key }), 200);
    assert.deepEqual([done.status, done.num_attempts, done.last_attempt?.code, done.last_attempt?.status, done.next_attempt_at], ['succeeded', 1, 200, 'succeeded', null]);
    assert.deepEqual(done.webhook, { id: hookId, level: 'sync' });
    const event = await expectJson<{ id: string; include: string; payload: Record<string, unknown> }>(await api.request(`/apps/${app.name}/webhook-events/${done.event.id}`, { key: dev.key }), 200);
    assert.equal(event.include, 'api:app');
    assert.equal(event.payload.id, done.event.id);
    assert.equal(event.payload.resource, 'app');
  });

  it('only included entities are delivered: scaling reaches the api:formation webhook, a release the api:release one', async () => {
    const { app } = await appWithHook('/formation', { include: ['api:formation'], level: 'notify' });
    await expectJson(await api.request(`/apps/${app.name}/webhooks`, { key: dev.key, method: 'POST', body: jsonBody({ url: `${receiver.url}/releases`, include: ['api:release'], level: 'notify' }) }), 201);
    const release = await deploy(api, dev.key, app.name);
    // The deploy layer's Platform publishes every release this way (the harness records releases instead of running them).
    api.events.publish({ entity: 'api:release', action: 'create', appId: app.id, releaseId: release.id, actor: { id: dev.accountId, email: dev.email } });
    await expectJson(await api.request(`/apps/${app.name}/formation`, { key: dev.key, method: 'PATCH', body: jsonBody({ updates: [{ type: 'web', quantity: 2 }] }) }), 200);
    const arrived = (path: string) => () => receiver.received.seen.find((r) => r.path === path);
    const scaled = await waitFor('the api:formation delivery', arrived('/formation'));
    assert.deepEqual([scaled.json.resource, scaled.json.action, scaled.json.data.type, scaled.json.data.quantity], ['formation', 'update', 'web', 2]);
    const released = await waitFor('the api:release delivery', arrived('/releases'));
    assert.deepEqual([released.json.resource, released.json.action, released.json.data.id, released.json.data.version], ['release', 'create', release.id, release.version]);
    await recorder.settled();
    const list = await deliveries(app.name);
    assert.deepEqual(list.map((d) => d.event.include).sort(), ['api:formation', 'api:release']);
    assert.equal(receiver.received.seen.filter((r) => r.path === '/formation' || r.path === '/releases').length, 2, 'each event reached only its webhook');
  });

  it('a receiver answering 500 is retried on the schedule, each attempt recorded, then the delivery fails', async () => {
    receiver.answers.set('/broken', [500]);
    const { app } = await appWithHook('/broken', { include: ['api:app'], level: 'sync' });
    await expectJson(await maintenance(app.name, true), 200);
    const id = (await receiver.received.next('the first attempt', (r) => r.path === '/broken')).json.webhook_metadata.delivery.id as string;
    assert.equal((await attempts.next('attempt 1', (a) => a.id === id)).status, 'retrying');
    assert.equal((await attempts.next('attempt 2', (a) => a.id === id)).status, 'retrying');
    const last = await attempts.next('attempt 3', (a) => a.id === id);
    assert.deepEqual([last.status, last.attempt.code], ['failed', 500]);
    const [delivery] = await deliveries(app.name);
    assert.deepEqual([delivery?.status, delivery?.num_attempts, delivery?.last_attempt?.code, delivery?.next_attempt_at], ['failed', 3, 500, null]);
    const failed = await expectJson<DeliveryJson[]>(await api.request(`/apps/${app.name}/webhook-deliveries?eq[status]=failed`, { key: dev.key }), 200);
    assert.deepEqual(failed.map((d) => d.id), [id]);
  });

  it('a receiver that recovers gets the delivery on a retry', async () => {
    receiver.answers.set('/flaky', [503, 200]);
    const { app } = await appWithHook('/flaky', { include: ['api:app'], level: 'sync' });
    await expectJson(await maintenance(app.name, true), 200);
    const id = (await receiver.received.next('the first attempt', (r) => r.path === '/flaky')).json.webhook_metadata.delivery.id as string;
    await attempts.next('the failed first attempt', (a) => a.id === id && a.status === 'retrying');
    const second = await attempts.next('the second attempt', (a) => a.id === id);
    assert.deepEqual([second.status, second.attempt.code], ['succeeded', 200]);
  });

  it('a notify webhook gets one attempt: a receiver that never answers times out and the delivery fails, while the API answered at once', async () => {
    receiver.answers.set('/silent', 'hang');
    const quick = newSender({ timeoutMs: 300 });
    quick.start();
    const { app } = await appWithHook('/silent', { include: ['api:app'], level: 'notify' });
    // The change is answered while the receiver still holds the request: deliveries never block the API.
    await expectJson(await maintenance(app.name, true), 200);
    const got = await receiver.received.next('the hanging attempt', (r) => r.path === '/silent');
    const id = got.json.webhook_metadata.delivery.id as string;
    const attempt = await attempts.next('the timed-out attempt', (a) => a.id === id);
    assert.deepEqual([attempt.status, attempt.attempt.code, attempt.attempt.errorClass], ['failed', null, 'timeout']);
    const [delivery] = await deliveries(app.name);
    assert.deepEqual([delivery?.status, delivery?.num_attempts, delivery?.last_attempt?.error_class], ['failed', 1, 'timeout']);
    await quick.stop();
  });

  it('a private address is refused by the egress guard without allow-private-urls, and nothing reaches it', async () => {
    const guarded = newSender({ egress: new EgressGuard() });
    const { app } = await appWithHook('/private', { include: ['api:app'], level: 'notify' });
    await sender.stop();
    try {
      guarded.start();
      await expectJson(await maintenance(app.name, true), 200);
      await recorder.settled();
      guarded.wake();
      const [pending] = await deliveries(app.name);
      const attempt = await attempts.next('the refused attempt', (a) => a.id === pending?.id);
      assert.deepEqual([attempt.status, attempt.attempt.code, attempt.attempt.errorClass], ['failed', null, 'refused by egress policy']);
      assert.equal(receiver.received.seen.some((r) => r.path === '/private'), false);
    } finally {
      await guarded.stop();
      sender.start();
    }
  });

  it('a delivery left pending by a stopped sender is sent by the next one (a control-plane restart)', async () => {
    await sender.stop();
    const { app } = await appWithHook('/later', { include: ['api:app'], level: 'sync' });
    await expectJson(await maintenance(app.name, true), 200);
    await recorder.settled();
    const [pending] = await deliveries(app.name);
    assert.deepEqual([pending?.status, pending?.num_attempts], ['pending', 0]);
    sender = newSender();
    sender.start();
    const attempt = await attempts.next('the resumed delivery', (a) => a.id === pending?.id);
    assert.deepEqual([attempt.status, attempt.attempt.code], ['succeeded', 200]);
    assert.ok(receiver.received.seen.some((r) => r.path === '/later'));
  });
});
