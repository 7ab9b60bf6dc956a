import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { NoDynos } from '../support/recording-platform.js';
import { waitFor } from '../support/wait.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

interface AppFeatureJson {
  id: string;
  name: string;
  description: string;
  doc_url: string;
  enabled: boolean;
  state: string;
  display_name: string;
  feedback_email: string;
  created_at: string;
  updated_at: string;
}

/** The properties of Heroku's `app-feature` schema, no more, no less. */
const SCHEMA_FIELDS = ['created_at', 'description', 'display_name', 'doc_url', 'enabled', 'feedback_email', 'id', 'name', 'state', 'updated_at'];

const dynos = new NoDynos();
const api = useApi({ overrides: { dynos } });
const dev = api.user('labs@example.com');
const other = api.user('labs-other@example.com');

const features = async (app: string) => expectJson<AppFeatureJson[]>(await api.request(`/apps/${app}/features`, { key: dev.key }), 200);
const patch = (app: string, feature: string, body: unknown, key = dev.key) =>
  api.request(`/apps/${app}/features/${feature}`, { key, method: 'PATCH', body: jsonBody(body) });

describe('app features', () => {
  it('lists log-runtime-metrics, autoidle, force-https and hsts, off, in the shape of Heroku’s app-feature', async () => {
    const app = await newApp(api, dev.key, 'labs-list');
    const list = await features(app.name);
    assert.deepEqual(list.map((f) => [f.name, f.enabled]), [['log-runtime-metrics', false], ['autoidle', false], ['force-https', false], ['hsts', false]]);
    const [metrics] = list;
    assert.ok(metrics);
    assert.deepEqual(Object.keys(metrics).sort(), SCHEMA_FIELDS);
    assert.equal(metrics.state, 'beta');
    assert.match(metrics.description, /memory use and load average/);
    assert.equal(metrics.doc_url, 'https://devcenter.heroku.com/articles/log-runtime-metrics');
    const byName = await expectJson<AppFeatureJson>(await api.request(`/apps/${app.name}/features/log-runtime-metrics`, { key: dev.key }), 200);
    assert.deepEqual(byName, metrics);
    const byId = await expectJson<AppFeatureJson>(await api.request(`/apps/${app.id}/features/${metrics.id}`, { key: dev.key }), 200);
    assert.deepEqual(byId, metrics);
  });

  it('enabling a feature stores it, tells the platform and rolls the dynos once; enabling again changes nothing', async () => {
    const app = await newApp(api, dev.key, 'labs-on');
    const on = await expectJson<AppFeatureJson>(await patch(app.name, 'log-runtime-metrics', { enabled: true }), 200);
    assert.equal(on.enabled, true);
    assert.deepEqual((await features(app.name)).map((f) => f.enabled), [true, false, false, false]);
    assert.equal((await api.store.appFeatures.find(app.id, 'log-runtime-metrics'))?.enabled, true);
    assert.deepEqual(dynos.restarts.filter((r) => r.appId === app.id), [{ appId: app.id }]);
    await waitFor('the platform to hear of the change (a fire-and-forget notification)', () => api.platform.of('appChanged', app.id).length === 1);

    await expectJson(await patch(app.name, 'log-runtime-metrics', { enabled: true }), 200);
    assert.equal(dynos.restarts.filter((r) => r.appId === app.id).length, 1, 'no second restart for no change');

    const off = await expectJson<AppFeatureJson>(await patch(app.name, 'log-runtime-metrics', { enabled: false }), 200);
    assert.equal(off.enabled, false);
    assert.equal(off.created_at, on.created_at);
    assert.equal(dynos.restarts.filter((r) => r.appId === app.id).length, 2, 'turning it off rolls the dynos too');
  });

  it('force-https and hsts change the app’s routing (the platform hears of it) without rolling its dynos', async () => {
    const app = await newApp(api, dev.key, 'labs-https');
    for (const name of ['force-https', 'hsts']) {
      const on = await expectJson<AppFeatureJson>(await patch(app.name, name, { enabled: true }), 200);
      assert.equal(on.enabled, true);
      assert.equal(on.state, 'general');
    }
    await waitFor('the platform to hear of both changes', () => api.platform.of('appChanged', app.id).length === 2);
    assert.deepEqual((await features(app.name)).map((f) => [f.name, f.enabled]), [['log-runtime-metrics', false], ['autoidle', false], ['force-https', true], ['hsts', true]]);
    assert.equal(dynos.restarts.filter((r) => r.appId === app.id).length, 0, 'routing features need no dyno restart');
  });

  it('refuses an unknown feature with 404 naming the known ones, and a body without a boolean enabled with 422', async () => {
    const app = await newApp(api, dev.key, 'labs-bad');
    const unknown = await expectError(await patch(app.name, 'no-such-feature', { enabled: true }), 404, 'not_found');
    assert.match(unknown.message, /no-such-feature.*log-runtime-metrics/);
    await expectError(await api.request(`/apps/${app.name}/features/no-such-feature`, { key: dev.key }), 404, 'not_found');
    for (const body of [{}, { enabled: 'true' }, { enabled: 1 }, { enabled: null }]) {
      const bad = await expectError(await patch(app.name, 'log-runtime-metrics', body), 422, 'invalid_params');
      assert.match(bad.message, /enabled must be true or false/);
    }
    await expectError(await api.request(`/apps/${app.name}/features/log-runtime-metrics`, { key: dev.key, method: 'PATCH', body: 'nope' }), 400, 'bad_request');
    assert.deepEqual(await features(app.name).then((l) => l.map((f) => f.enabled)), [false, false, false, false]);
  });

  it('hides another user’s app behind the same 404 as a missing one', async () => {
    const app = await newApp(api, dev.key, 'labs-private');
    await expectError(await api.request(`/apps/${app.name}/features`, { key: other.key }), 404, 'not_found');
    await expectError(await patch(app.name, 'log-runtime-metrics', { enabled: true }, other.key), 404, 'not_found');
    await expectError(await api.request('/apps/no-such-app/features', { key: dev.key }), 404, 'not_found');
    assert.deepEqual((await features(app.name)).map((f) => f.enabled), [false, false, false, false]);
  });

  it('turning autoidle on tells the platform (the idle period reaches the agent) and restarts no dyno', async () => {
    const app = await newApp(api, dev.key, 'labs-idle');
    const on = await expectJson<AppFeatureJson>(await patch(app.name, 'autoidle', { enabled: true }), 200);
    assert.equal(on.enabled, true);
    await waitFor('the platform to hear of the change', () => api.platform.of('appChanged', app.id).length === 1);
    assert.deepEqual(dynos.restarts.filter((r) => r.appId === app.id), []);
  });

  it('has no account features, as the official CLI’s labs commands expect to ask', async () => {
    assert.deepEqual(await expectJson(await api.request('/account/features', { key: dev.key }), 200), []);
    await expectError(await api.request('/account/features/log-runtime-metrics', { key: dev.key }), 404, 'not_found');
  });
});
