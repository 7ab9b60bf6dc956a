import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { PartnerServer } from '../support/partner-server.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

let api: ApiHarness;
let partner: PartnerServer;
let dev: { key: string };
before(async () => {
  api = await startApi();
  partner = await PartnerServer.start();
  dev = await api.createUser('provider-dev@example.com');
});
after(async () => {
  await partner.close();
  await api.close();
});

const register = (manifest: unknown, key = api.adminKey) => api.request('/addon-providers', { key, method: 'POST', body: jsonBody(manifest) });
const withApi = (change: Record<string, unknown>) => ({ ...partner.manifest, api: { ...partner.manifest.api, ...change } });

describe('add-on providers (admin API)', () => {
  it('an admin registers a manifest: 201 without its secrets, listed, shown, and the registry is told', async () => {
    const manifest = { ...partner.manifest, id: 'acme-one', api: { ...partner.manifest.api, config_vars_prefix: 'ACME_ONE', config_vars: ['ACME_ONE_URL'] } };
    const created = await expectJson<Record<string, unknown>>(await register(manifest), 201);
    assert.deepEqual(created, {
      id: 'acme-one',
      name: 'Acme KV',
      api: { config_vars_prefix: 'ACME_ONE', config_vars: ['ACME_ONE_URL'], regions: ['us'], production: { base_url: partner.url }, version: '3', sso: true },
      plans: [
        { name: 'acme-one:test', description: 'Free test plan', price: { cents: 0, unit: 'month' } },
        { name: 'acme-one:big', description: 'Big plan', price: { cents: 2500, unit: 'month' } },
      ],
      created_at: created.created_at,
      updated_at: created.updated_at,
    });
    assert.doesNotMatch(JSON.stringify(created), /partner-secret-password|salty-salt/);
    const services = await expectJson<{ name: string }[]>(await api.request('/addon-services', { key: dev.key }), 200);
    assert.ok(services.some((s) => s.name === 'acme-one'), 'the service joins the catalog');
    const plans = await expectJson<{ name: string; price: { cents: number } }[]>(await api.request('/addon-services/acme-one/plans', { key: dev.key }), 200);
    assert.deepEqual(plans.map((p) => [p.name, p.price.cents]).sort(), [['acme-one:big', 2500], ['acme-one:test', 0]]);
    const list = await expectJson<{ id: string }[]>(await api.request('/addon-providers', { key: api.adminKey }), 200);
    assert.ok(list.some((p) => p.id === 'acme-one'));
    assert.deepEqual(await expectJson(await api.request('/addon-providers/acme-one', { key: api.adminKey }), 200), created);
    await expectError(await register(manifest), 409, 'conflict');
  });

  it('an admin replaces a manifest (new base URL and password reach the provider); plans in use stay; the id never changes', async () => {
    const id = 'acme-moved';
    await expectJson(await register({ ...partner.manifest, id }), 201);
    const app = await newApp(api, dev.key, 'provider-moved');
    const addon = await api.store.addons.create({ appId: app.id, name: 'acme-moved-1', service: id, plan: 'big' });
    const put = (body: unknown, key = api.adminKey) => api.request(`/addon-providers/${id}`, { key, method: 'PUT', body: jsonBody(body) });
    const dropping = await expectError(await put({ ...partner.manifest, id, plans: [{ name: 'test' }] }), 422, 'invalid_params');
    assert.match(dropping.message, /drops plan big, which add-ons still use/);
    assert.match((await expectError(await put({ ...partner.manifest, id: 'acme-other' }), 422, 'invalid_params')).message, /never changes/);
    await expectError(await put({ ...partner.manifest, id }, dev.key), 403, 'forbidden');
    const moved = { ...partner.manifest, id, name: 'Acme Moved', api: { ...partner.manifest.api, password: 'a-brand-new-password', production: { base_url: 'https://moved.example.test' } } };
    const updated = await expectJson<{ name: string; api: { production: { base_url: string } } }>(await put(moved), 200);
    assert.deepEqual([updated.name, updated.api.production.base_url], ['Acme Moved', 'https://moved.example.test']);
    const stored = await api.store.addonProviders.find(id);
    assert.deepEqual([stored?.manifest.password, stored?.manifest.baseUrl], ['a-brand-new-password', 'https://moved.example.test']);
    assert.equal(api.partners.find(id)?.manifest.baseUrl, 'https://moved.example.test', 'the registered provider is the new one');
    assert.equal(api.deps.addons.catalog.findService(id)?.humanName, 'Acme Moved');
    await api.store.addons.markDeprovisioned(addon.id);
  });

  it('a non-admin can neither register, list nor remove providers, and nothing is stored', async () => {
    const manifest = { ...partner.manifest, id: 'acme-sneaky' };
    await expectError(await register(manifest, dev.key), 403, 'forbidden');
    await expectError(await api.request('/addon-providers', { key: dev.key }), 403, 'forbidden');
    await expectError(await api.request('/addon-providers/acme-one', { key: dev.key, method: 'DELETE' }), 403, 'forbidden');
    assert.equal(await api.store.addonProviders.find('acme-sneaky'), undefined);
  });

  it('a bad manifest is refused with the rule it breaks', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'no id' }, /Manifest id must be a non-empty string/],
      [{ ...partner.manifest, id: 'Bad Id' }, /Manifest id "Bad Id" must be 2–50 lower-case/],
      [{ ...partner.manifest, id: 'heroku-postgresql' }, /reserved/],
      [withApi({ password: 'short' }), /api.password must be 8–200/],
      [withApi({ config_vars: ['OTHER_URL'] }), /must be a valid name that starts with ACME_KV_/],
      [withApi({ config_vars: [] }), /must list 1–50 names/],
      [withApi({ production: { base_url: 'ftp://partner.example.test' } }), /must be an http or https URL/],
      [withApi({ production: { base_url: 'https://user:pw@partner.example.test' } }), /must not carry credentials/],
      [withApi({ version: '1' }), /api.version must be "3"/],
      [{ ...partner.manifest, id: 'acme-noplans', plans: [] }, /plans must be a non-empty array/],
      [{ ...partner.manifest, id: 'acme-twice', plans: [{ name: 'a' }, { name: 'a' }] }, /plan a appears twice/],
    ];
    for (const [manifest, rule] of cases) {
      const error = await expectError(await register(manifest), 422, 'invalid_params');
      assert.match(error.message, rule);
    }
    const stored = (await api.store.addonProviders.list()).map((p) => p.id);
    for (const id of ['acme-kv', 'heroku-postgresql', 'acme-noplans', 'acme-twice']) assert.ok(!stored.includes(id), `${id} was not stored`);
  });

  it('an id that already names a built-in service is refused and not kept', async () => {
    const error = await expectError(await register({ ...partner.manifest, id: 'redis', api: { ...partner.manifest.api, config_vars_prefix: 'REDIS', config_vars: ['REDIS_URL'] } }), 409, 'conflict');
    assert.match(error.message, /redis already names the service heroku-redis/);
    assert.equal(await api.store.addonProviders.find('redis'), undefined);
  });

  it('a provider with live add-ons cannot be removed; without any it can', async () => {
    await expectJson(await register({ ...partner.manifest, id: 'acme-gone' }), 201);
    const app = await newApp(api, api.adminKey, 'provider-gone');
    const addon = await api.store.addons.create({ appId: app.id, name: 'acme-gone-1', service: 'acme-gone', plan: 'test' });
    const refused = await expectError(await api.request('/addon-providers/acme-gone', { key: api.adminKey, method: 'DELETE' }), 422, 'invalid_params');
    assert.match(refused.message, /still has 1 add-on; destroy it first/);
    assert.ok(await api.store.addonProviders.find('acme-gone'));
    await api.store.addons.markDeprovisioned(addon.id);
    const removed = await expectJson<{ id: string }>(await api.request('/addon-providers/acme-gone', { key: api.adminKey, method: 'DELETE' }), 200);
    assert.equal(removed.id, 'acme-gone');
    assert.equal(await api.store.addonProviders.find('acme-gone'), undefined);
    assert.equal(api.deps.addons.catalog.findService('acme-gone'), undefined, 'its service left the catalog');
    await expectError(await api.request('/addon-services/acme-gone', { key: dev.key }), 404, 'not_found');
    await expectError(await api.request('/addon-providers/acme-gone', { key: api.adminKey, method: 'DELETE' }), 404, 'not_found');
  });
});
