// App webhook subscriptions over the real API: Heroku's shapes, the secret handed out once, the
// official CLI's Accept variant and Basic auth, and bad input refused with nothing changed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface WebhookJson {
  id: string;
  app: { id: string; name: string };
  url: string;
  include: string[];
  level: string;
  created_at: string;
  updated_at: string;
}

const api = useApi();
const dev = api.user('hooks-dev@example.com');
const stranger = api.user('hooks-stranger@example.com');

const add = (app: string, body: unknown, key = dev.key) => api.request(`/apps/${app}/webhooks`, { key, method: 'POST', body: jsonBody(body) });
const list = async (app: string) => expectJson<WebhookJson[]>(await api.request(`/apps/${app}/webhooks`, { key: dev.key }), 200);

describe('app webhooks', () => {
  it('a webhook is created with its secret returned once, then listed, shown, updated and removed without it', async () => {
    const app = await newApp(api, dev.key, 'hooks');
    const res = await add(app.name, { url: 'https://hooks.example.com/in', include: ['api:release', 'dyno'], level: 'sync', authorization: 'Bearer abc' });
    const created = await expectJson<WebhookJson>(res, 201);
    assert.match(created.id, UUID);
    assert.deepEqual(
      { app: created.app, url: created.url, include: created.include, level: created.level },
      { app: { id: app.id, name: app.name }, url: 'https://hooks.example.com/in', include: ['api:release', 'dyno'], level: 'sync' },
    );
    assert.deepEqual(Object.keys(created).sort(), ['app', 'created_at', 'id', 'include', 'level', 'updated_at', 'url']);
    const secret = res.headers.get('heroku-webhook-secret');
    assert.match(secret ?? '', /^[0-9a-f]{60}$/, 'a secret is generated when none is given');
    assert.equal((await api.store.webhooks.find(app.id, created.id))?.secret, secret);

    assert.deepEqual(await list(app.name), [created]);
    const info = await expectJson<WebhookJson>(await api.request(`/apps/${app.name}/webhooks/${created.id}`, { key: dev.key }), 200);
    assert.deepEqual(info, created);
    assert.equal(JSON.stringify(info).includes('abc'), false, 'the authorization header is never shown');

    const patched = await expectJson<WebhookJson>(
      await api.request(`/apps/${app.name}/webhooks/${created.id}`, { key: dev.key, method: 'PATCH', body: jsonBody({ include: 'api:app, api:formation', level: 'notify', secret: 'mine' }) }),
      200,
    );
    assert.deepEqual([patched.include, patched.level, patched.url], [['api:app', 'api:formation'], 'notify', created.url]);
    assert.equal((await api.store.webhooks.find(app.id, created.id))?.secret, 'mine');

    const removed = await expectJson<WebhookJson>(await api.request(`/apps/${app.name}/webhooks/${created.id}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(removed.id, created.id);
    assert.deepEqual(await list(app.name), []);
  });

  it("answers the official CLI's webhooks Accept variant and Basic auth with an empty user", async () => {
    const app = await newApp(api, dev.key, 'hooks');
    const res = await api.request(`/apps/${app.name}/webhooks`, {
      method: 'POST',
      body: jsonBody({ include: ['api:build'], level: 'notify', secret: 'given', url: 'http://hooks.example.com/' }),
      headers: { accept: 'application/vnd.heroku+json; version=3.webhooks', authorization: `Basic ${Buffer.from(`:${dev.key}`).toString('base64')}` },
    });
    await expectJson(res, 201);
    assert.equal(res.headers.get('heroku-webhook-secret'), 'given');
    const deliveries = await api.request(`/apps/${app.name}/webhook-deliveries?eq[status]=failed`, { key: dev.key, headers: { range: 'seq ..; order=desc,max=1000' } });
    assert.deepEqual(await expectJson(deliveries, 200), []);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['a URL that is not http(s)', { url: 'ftp://hooks.example.com/in', include: ['dyno'], level: 'notify' }, /http:\/\/ or https:\/\/.*ftp:/],
    ['a javascript: URL', { url: 'javascript:alert(1)', include: ['dyno'], level: 'notify' }, /http:\/\/ or https:\/\//],
    ['text that is not a URL', { url: 'hooks.example.com', include: ['dyno'], level: 'notify' }, /not a URL/],
    ['a URL with a control character', { url: 'https://hooks.example.com/\nx', include: ['dyno'], level: 'notify' }, /control characters/],
    ['an unknown entity', { url: 'https://hooks.example.com/', include: ['api:everything'], level: 'notify' }, /Unknown webhook entity "api:everything"/],
    ['an empty include', { url: 'https://hooks.example.com/', include: [], level: 'notify' }, /non-empty list/],
    ['a level other than notify or sync', { url: 'https://hooks.example.com/', include: ['dyno'], level: 'often' }, /notify .* or sync/],
    ['an unknown field', { url: 'https://hooks.example.com/', include: ['dyno'], level: 'sync', retries: 3 }, /Unknown webhook field "retries"/],
    ['a secret with a newline', { url: 'https://hooks.example.com/', include: ['dyno'], level: 'sync', secret: 'a\nb' }, /secret must be text/],
  ];
  for (const [what, body, message] of refused) {
    it(`refuses ${what} with 422 and creates nothing`, async () => {
      const app = await newApp(api, dev.key, 'hooks');
      const error = await expectError(await add(app.name, body), 422, 'invalid_params');
      assert.match(error.message, message);
      assert.deepEqual(await list(app.name), []);
    });
  }

  it('an app has at most 10 webhooks; the 11th is refused', async () => {
    const app = await newApp(api, dev.key, 'hooks');
    for (let i = 0; i < 10; i++) await expectJson(await add(app.name, { url: `https://hooks.example.com/${i}`, include: ['dyno'], level: 'notify' }), 201);
    const error = await expectError(await add(app.name, { url: 'https://hooks.example.com/x', include: ['dyno'], level: 'notify' }), 422, 'invalid_params');
    assert.match(error.message, /10 webhooks/);
    assert.equal((await list(app.name)).length, 10);
  });

  it("another user's app, webhook, delivery and event are the same 404 as missing ones", async () => {
    const app = await newApp(api, dev.key, 'hooks');
    const created = await expectJson<WebhookJson>(await add(app.name, { url: 'https://hooks.example.com/', include: ['dyno'], level: 'notify' }), 201);
    await expectError(await add(app.name, { url: 'https://evil.example.com/', include: ['dyno'], level: 'notify' }, stranger.key), 404, 'not_found');
    for (const path of ['/webhooks', `/webhooks/${created.id}`, '/webhook-deliveries', '/webhook-events']) {
      await expectError(await api.request(`/apps/${app.name}${path}`, { key: stranger.key }), 404, 'not_found');
    }
    await expectError(await api.request(`/apps/${app.name}/webhooks/${created.id}`, { key: stranger.key, method: 'DELETE' }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/webhooks/00000000-0000-4000-8000-000000000000`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/webhook-deliveries/not-an-id`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/webhook-deliveries?eq[status]=lost`, { key: dev.key }), 422, 'invalid_params');
    assert.equal((await list(app.name)).length, 1);
  });
});
