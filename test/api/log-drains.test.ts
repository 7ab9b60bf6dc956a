import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectJson, jsonBody } from './helpers.js';

const api = useApi();
const dev = api.user('drains@example.test');

describe('log drains (heroku drains)', () => {
  it('name their app as {id, name} when added, listed, shown and removed', async () => {
    const app = await newApp(api, dev.key, 'drains');
    const expected = { id: app.id, name: app.name };
    const added = await expectJson<{ id: string; app: unknown }>(
      await api.request(`/apps/${app.name}/log-drains`, { method: 'POST', key: dev.key, body: jsonBody({ url: 'https://logs.example.test/in' }) }),
      201,
    );
    assert.deepEqual(added.app, expected);
    const listed = await expectJson<Array<{ app: unknown }>>(await api.request(`/apps/${app.name}/log-drains`, { key: dev.key }), 200);
    assert.deepEqual(listed.map((d) => d.app), [expected]);
    assert.deepEqual((await expectJson(await api.request(`/apps/${app.name}/log-drains/${added.id}`, { key: dev.key }), 200)).app, expected);
    assert.deepEqual((await expectJson(await api.request(`/apps/${app.name}/log-drains/${added.id}`, { method: 'DELETE', key: dev.key }), 200)).app, expected);
  });
});
