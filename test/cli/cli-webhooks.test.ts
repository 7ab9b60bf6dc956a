// `berth webhooks*` against the real API with the real recorder and sender, delivering to a
// receiver on 127.0.0.1 (allowed as `--allow-private-urls 127.0.0.0/8` would).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { WebhookRecorder } from '../../src/api/webhook-recorder.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { WebhookSender } from '../../src/webhooks/webhook-sender.js';
import { useApi } from '../support/api-harness.js';
import { Receiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';
import { captureIo } from './capture-io.js';

let home: string;
let key: string;
let sender: WebhookSender;
let recorder: WebhookRecorder;
const receiver = new Receiver();
const APP = 'cli-webhooks-app';

const api = useApi({}, async (started) => {
  key = (await started.createUser('cli-webhooks@example.test')).key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: APP }) })).status, 201);
  sender = new WebhookSender({ store: started.store, egress: new EgressGuard(['127.0.0.0/8']), retryDelaysMs: [20], log: () => undefined });
  sender.start();
  recorder = new WebhookRecorder(started.deps, () => sender.wake());
  started.events.subscribe((event) => recorder.publish(event));
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-webhooks-'));
  await receiver.start();
});
after(async () => {
  await sender?.stop();
  await recorder?.settled();
  await receiver.stop();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: APP }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('webhooks:add prints the secret, webhooks lists, webhooks:update changes, deliveries show what was sent, webhooks:remove removes', async () => {
  const none = await berth(['webhooks']);
  assert.match(none.stdout, /has no webhooks/);

  const added = await berth(['webhooks:add', '-u', `${receiver.url}/cli`, '-i', 'api:app,api:formation', '-l', 'sync', '-t', 'Bearer from-cli']);
  assert.equal(added.code, 0, added.stderr);
  const [header, secret] = added.stdout.trim().split('\n');
  assert.equal(header, '=== Webhooks Signing Secret');
  assert.match(secret ?? '', /^[0-9a-f]{60}$/);
  const id = /Added webhook ([0-9a-f-]{36})/.exec(added.stderr)?.[1] as string;

  const listed = await berth(['webhooks']);
  assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split(/ {2,}/)), [['Webhook ID', 'URL', 'Include', 'Level'], [id, `${receiver.url}/cli`, 'api:app,api:formation', 'sync']]);
  assert.match((await berth(['webhooks:info', id])).stdout, /Include: +api:app,api:formation\nLevel: +sync/);
  assert.equal((await berth(['webhooks:update', id, '-i', 'api:app', '-l', 'notify'])).stdout, `Updated webhook ${id}.\n`);

  assert.equal((await berth(['maintenance:on'])).code, 0);
  const got = await receiver.received.next('the maintenance delivery', (r) => r.path === '/cli');
  assert.equal(got.headers['heroku-webhook-hmac-sha256'], createHmac('sha256', secret as string).update(got.body).digest('base64'));
  assert.equal(got.headers.authorization, 'Bearer from-cli');

  const deliveries = await waitFor('a succeeded delivery in webhooks:deliveries', async () => {
    const r = await berth(['webhooks:deliveries']);
    return /succeeded/.test(r.stdout) && r.stdout;
  });
  const row = (deliveries.trim().split('\n')[1] as string).split(/ {2,}/);
  assert.deepEqual(row.slice(2, 7), ['succeeded', 'api:app', 'notify', '1', '200']);
  const info = await berth(['webhooks:deliveries:info', row[0] as string]);
  assert.match(info.stdout, /Status: +succeeded/);
  assert.match(info.stdout, /=== Event Payload\n\{\n {2}"action": "update"/);
  assert.match((await berth(['webhooks:deliveries', '-s', 'failed'])).stdout, /no failed webhook deliveries/);
  assert.match((await berth(['webhooks:events'])).stdout, /api:app +app +update/);

  assert.equal((await berth(['webhooks:remove', id])).stdout, `Removed webhook ${id} from ${APP}.\n`);
  assert.match((await berth(['webhooks'])).stdout, /has no webhooks/);
});

test('webhooks:add with a URL that is not http(s) says so and adds nothing', async () => {
  const r = await berth(['webhooks:add', '-u', 'ftp://example.com/x', '-i', 'dyno', '-l', 'notify']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /http:\/\/ or https:\/\/ URL, not ftp:/);
  const missing = await berth(['webhooks:add', '-u', 'https://example.com/x', '-l', 'notify']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /needs --include/);
  assert.match((await berth(['webhooks'])).stdout, /has no webhooks/);
});
