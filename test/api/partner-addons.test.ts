import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { PartnerServer } from '../support/partner-server.js';
import { config, createAddon, startPartnerTestbed, type AddonJson, type PartnerTestbed } from './addon-helpers.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

let bed: PartnerTestbed;
let api: ApiHarness;
let partner: PartnerServer;
let dev: { key: string };
before(async () => {
  bed = await startPartnerTestbed('partner-addons@example.test');
  ({ api, partner, dev } = bed);
});
after(() => bed.close());
beforeEach(() => {
  partner.behaviour = { kind: 'sync' };
});

/** A fresh app with a config var of its own, to show provider failures leave it alone. */
async function appWithConfig(): Promise<{ id: string; name: string }> {
  const app = await newApp(api, dev.key, 'partner-app');
  await expectJson(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key, method: 'PATCH', body: jsonBody({ OWN: 'kept' }) }), 200);
  return app;
}

const releaseCount = async (app: string) => (await expectJson<unknown[]>(await api.request(`/apps/${app}/releases`, { key: dev.key }), 200)).length;

/** The add-on is failed with the provider's words, and the app is exactly as before. */
async function expectFailedUntouched(app: { name: string }, res: Response, message: RegExp, releasesBefore: number): Promise<void> {
  const error = await expectError(res, 502, 'addon_provider_failed');
  assert.match(error.message, message);
  assert.match(error.message, /The add-on is marked failed; the app's config is unchanged\./);
  assert.deepEqual(await config(api, dev.key, app.name), { OWN: 'kept' });
  assert.equal(await releaseCount(app.name), releasesBefore);
  const [addon] = await expectJson<AddonJson[]>(await api.request(`/apps/${app.name}/addons`, { key: dev.key }), 200);
  assert.equal(addon?.state, 'failed');
  assert.match(addon?.berth_state_message ?? '', message);
}

describe('partner add-ons through the add-on API', () => {
  it('addons:create of a partner plan provisions synchronously: Heroku’s request, ACME_KV_* vars on the app in one release', async () => {
    const app = await appWithConfig();
    const before = await releaseCount(app.name);
    const addon = await expectJson<AddonJson>(await createAddon(api, dev.key, app.name, { plan: 'acme-kv:big', config: { region_hint: 'near' } }), 201);
    assert.deepEqual([addon.state, addon.addon_service.name, addon.plan.name, addon.provision_message], ['provisioned', 'acme-kv', 'acme-kv:big', 'Acme KV is ready.']);
    const sent = partner.provisions().find((r) => r.body?.uuid === addon.id);
    assert.deepEqual([sent?.body?.plan, sent?.body?.name, sent?.body?.options, sent?.body?.callback_url], ['big', addon.name, { region_hint: 'near' }, `${api.url}/addons/${addon.id}`]);
    const providerId = partner.resources.get(addon.id)?.id;
    assert.deepEqual(await config(api, dev.key, app.name), { OWN: 'kept', ACME_KV_URL: `acme://${providerId}.kv.example.test:7000`, ACME_KV_TOKEN: `token-${providerId}` });
    assert.equal(await releaseCount(app.name), before + 1);
  });

  it('a plan change goes to the provider with PUT and its new config reaches the app; destroy DELETEs it', async () => {
    const app = await appWithConfig();
    const addon = await expectJson<AddonJson>(await createAddon(api, dev.key, app.name, { plan: 'acme-kv:test' }), 201);
    const providerId = partner.resources.get(addon.id)?.id;
    const upgraded = await expectJson<AddonJson>(await api.request(`/apps/${app.name}/addons/${addon.name}`, { key: dev.key, method: 'PATCH', body: jsonBody({ plan: 'big' }) }), 200);
    assert.equal(upgraded.plan.name, 'acme-kv:big');
    assert.equal((await config(api, dev.key, app.name)).ACME_KV_TOKEN, `token-${providerId}-big`);
    await expectJson(await api.request(`/apps/${app.name}/addons/${addon.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(partner.resources.has(addon.id), false);
    assert.deepEqual(await config(api, dev.key, app.name), { OWN: 'kept' });
  });

  it('an unknown plan of a partner service lists the valid ones', async () => {
    const app = await appWithConfig();
    const error = await expectError(await createAddon(api, dev.key, app.name, { plan: 'acme-kv:huge' }), 422, 'invalid_params');
    assert.match(error.message, /Add-on service acme-kv has no plan "huge"\. Plans: test, big\./);
  });
});

describe('partner faults leave the app untouched', () => {
  it('provider down (connection refused)', async () => {
    const gone = await PartnerServer.start('acme-down');
    await expectJson(await api.request('/addon-providers', { key: api.adminKey, method: 'POST', body: jsonBody(gone.manifest) }), 201);
    await gone.close();
    const app = await appWithConfig();
    const before = await releaseCount(app.name);
    await expectFailedUntouched(app, await createAddon(api, dev.key, app.name, { plan: 'acme-down:test' }), /Acme KV could not be reached to provision the add-on \(ECONNREFUSED\)/, before);
  });

  it('provider too slow (timeout)', async () => {
    const slowApi = await startApi({ overrides: { addonTimeoutMs: 10_000 }, partnerTimeoutMs: 300 });
    try {
      await expectJson(await slowApi.request('/addon-providers', { key: slowApi.adminKey, method: 'POST', body: jsonBody(partner.manifest) }), 201);
      partner.behaviour = { kind: 'slow' };
      const app = await newApp(slowApi, slowApi.adminKey, 'partner-slow');
      const error = await expectError(await createAddon(slowApi, slowApi.adminKey, app.name, { plan: 'acme-kv:test' }), 502, 'addon_provider_failed');
      assert.match(error.message, /Acme KV did not answer within 300 ms when asked to provision the add-on/);
      assert.deepEqual(await config(slowApi, slowApi.adminKey, app.name), {});
      const [addon] = await expectJson<AddonJson[]>(await slowApi.request(`/apps/${app.name}/addons`, { key: slowApi.adminKey }), 200);
      assert.equal(addon?.state, 'failed');
    } finally {
      await slowApi.close();
    }
  });

  it('provider answering garbage', async () => {
    partner.behaviour = { kind: 'raw', status: 200, contentType: 'text/html', body: '<h1>It works!</h1>' };
    const app = await appWithConfig();
    const before = await releaseCount(app.name);
    await expectFailedUntouched(app, await createAddon(api, dev.key, app.name, { plan: 'acme-kv:test' }), /unusable answer .*the response is not JSON/, before);
  });

  it('provider answering 500 with a message, or 422 with a reason', async () => {
    partner.behaviour = { kind: 'status', status: 500, message: 'disk on fire' };
    const app = await appWithConfig();
    const before = await releaseCount(app.name);
    await expectFailedUntouched(app, await createAddon(api, dev.key, app.name, { plan: 'acme-kv:test' }), /failed to provision the add-on \(HTTP 500\): disk on fire/, before);
    partner.behaviour = { kind: 'status', status: 422, message: 'This region is full.' };
    const other = await appWithConfig();
    await expectFailedUntouched(other, await createAddon(api, dev.key, other.name, { plan: 'acme-kv:test' }), /refused to provision the add-on: This region is full\./, before);
  });

  it('provider handing out a config var outside its manifest', async () => {
    partner.behaviour = { kind: 'config', config: { ACME_KV_URL: 'acme://x', LD_PRELOAD: '/tmp/evil.so' } };
    const app = await appWithConfig();
    const before = await releaseCount(app.name);
    await expectFailedUntouched(app, await createAddon(api, dev.key, app.name, { plan: 'acme-kv:test' }), /"LD_PRELOAD" is not in the manifest/, before);
  });
});
