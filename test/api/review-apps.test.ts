import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppPolicy } from '../../src/accounts/app-policy.js';
import { createInternalApi } from '../../src/api/internal-api.js';
import { ReviewApps } from '../../src/api/review-apps.js';
import { RouteMatcher } from '../../src/api/route-matcher.js';
import { apiRoutes } from '../../src/api/server.js';
import { useApi } from '../support/api-harness.js';
import { deploy, newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, uniqueName } from './helpers.js';

const api = useApi();
const dev = api.user('review-dev@example.com');
const other = api.user('review-other@example.com');

const post = (path: string, body: unknown, key = dev.key) => api.request(path, { key, method: 'POST', body: jsonBody(body) });

async function pipelineWithApp(): Promise<{ pipeline: string; app: { id: string; name: string } }> {
  const pipeline = uniqueName('pl');
  await expectJson(await post('/pipelines', { name: pipeline }), 201);
  const app = await newApp(api, dev.key, 'src');
  await expectJson(await post('/pipeline-couplings', { app: app.name, pipeline, stage: 'staging' }), 201);
  return { pipeline, app };
}

describe('review app settings', () => {
  it('are enabled, shown, changed and disabled by the pipeline owner only', async () => {
    const { pipeline } = await pipelineWithApp();
    await expectError(await api.request(`/pipelines/${pipeline}/review-app-config`, { key: dev.key }), 404, 'not_found');
    const on = await expectJson<{ stale_days: number; automatic_review_apps: boolean }>(await post(`/pipelines/${pipeline}/review-app-config`, {}), 201);
    assert.deepEqual([on.stale_days, on.automatic_review_apps], [5, true]);
    const changed = await expectJson<{ stale_days: number }>(await api.request(`/pipelines/${pipeline}/review-app-config`, { key: dev.key, method: 'PATCH', body: jsonBody({ stale_days: 2 }) }), 200);
    assert.equal(changed.stale_days, 2);
    for (const bad of [0, 31, 1.5, '3']) await expectError(await api.request(`/pipelines/${pipeline}/review-app-config`, { key: dev.key, method: 'PATCH', body: jsonBody({ stale_days: bad }) }), 422, 'invalid_params');
    await expectError(await post(`/pipelines/${pipeline}/review-app-config`, {}, other.key), 404, 'not_found');
    await expectError(await api.request(`/pipelines/${pipeline}/review-apps`, { key: other.key }), 404, 'not_found');
    await expectJson(await api.request(`/pipelines/${pipeline}/review-app-config`, { key: dev.key, method: 'DELETE' }), 200);
    await expectError(await api.request(`/pipelines/${pipeline}/review-app-config`, { key: dev.key, method: 'DELETE' }), 404, 'not_found');
  });
});

describe('review apps', () => {
  it('are listed with their status, and destroyed (after pr-predestroy) by DELETE or when stale', async () => {
    const { pipeline, app } = await pipelineWithApp();
    await expectJson(await post(`/pipelines/${pipeline}/review-app-config`, { stale_days: 1 }), 201);
    const found = await api.store.pipelines.findByName(pipeline);
    const account = await api.store.accounts.findByEmail('review-dev@example.com');
    assert.ok(found && account);
    const make = async (branch: string) => {
      const reviewApp = await newApp(api, dev.key, 'src-pr');
      await deploy(api, dev.key, reviewApp.name);
      return api.store.reviewApps.create({ pipelineId: found.id, appId: reviewApp.id, sourceAppId: app.id, branch, commit: 'a'.repeat(40), creatorId: account.id, setupId: null, predestroy: 'node drop.js' });
    };
    const first = await make('one');
    const second = await make('two');
    const listed = await expectJson<Array<{ id: string; branch: string; status: string; web_url: string }>>(await api.request(`/pipelines/${pipeline}/review-apps`, { key: dev.key }), 200);
    assert.deepEqual(listed.map((r) => [r.branch, r.status]), [['one', 'created'], ['two', 'created']]);
    await expectError(await api.request(`/review-apps/${first.id}`, { key: other.key }), 404, 'not_found');

    await expectJson(await api.request(`/review-apps/${first.id}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(await api.store.apps.findById(first.appId), undefined, 'DELETE destroyed the app');
    assert.deepEqual(api.platform.of('runScript', first.appId).map((e) => [e.command, e.type]), [['node drop.js', 'predestroy']]);

    const service = new ReviewApps(api.deps, createInternalApi(new RouteMatcher(apiRoutes), api.deps, new AppPolicy(api.store)));
    assert.equal(await service.sweep(new Date()), 0, 'pushed today: not stale');
    assert.equal(await service.sweep(new Date(Date.now() + 2 * 24 * 60 * 60 * 1000)), 1);
    assert.equal(await api.store.apps.findById(second.appId), undefined, 'the stale one was destroyed');
    assert.ok(await api.store.apps.findById(app.id), 'the source app stays');
  });
});
