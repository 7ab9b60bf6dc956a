import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AddonLifecycle } from '../../src/api/addon-lifecycle.js';
import { releaseAnnouncement } from '../../src/core/release-announcement.js';
import { TestAddonProvider } from '../support/test-addon-provider.js';
import { latestRelease, newApp, setConfig } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';
import { config, createAddon, startAddonApi, type AddonJson, type AddonTestbed } from './addon-helpers.js';
import { waitFor } from '../support/wait.js';

let bed: AddonTestbed;
let dev: { key: string; accountId: string };
let other: { key: string; accountId: string };
before(async () => {
  bed = await startAddonApi();
  dev = await bed.api.createUser('addons-dev@example.com');
  other = await bed.api.createUser('addons-other@example.com');
});
after(async () => {
  bed.postgres.release();
  await bed.api.close();
});

const create = (app: string, body: Record<string, unknown>, key = dev.key) => createAddon(bed.api, key, app, body);
const get = (path: string, key = dev.key, headers: Record<string, string> = {}) => bed.api.request(path, { key, headers });
const releaseCount = async (app: string) => (await expectJson<unknown[]>(await get(`/apps/${app}/releases`), 200)).length;

describe('the add-on catalog', () => {
  it('lists heroku-postgresql and heroku-redis and finds a service by id, name or alias', async () => {
    const services = await expectJson<Array<{ id: string; name: string; human_name: string; state: string }>>(await get('/addon-services'), 200);
    assert.deepEqual(services.map((s) => s.name), ['heroku-postgresql', 'heroku-redis']);
    const [pg] = services;
    assert.match(pg?.id ?? '', UUID);
    assert.deepEqual(await expectJson(await get('/addon-services/postgresql'), 200), pg);
    assert.deepEqual(await expectJson(await get(`/addon-services/${pg?.id}`), 200), pg);
    await expectError(await get('/addon-services/mysql'), 404, 'not_found');
  });

  it('lists plans with Heroku names, prices, one default and their limits', async () => {
    type PlanJson = { id: string; name: string; default: boolean; price: { cents: number; unit: string }; berth_limits: Record<string, number | null> };
    const plans = await expectJson<PlanJson[]>(await get('/addon-services/heroku-postgresql/plans'), 200);
    assert.ok(plans.some((p) => p.name === 'heroku-postgresql:essential-0' && p.default && p.price.cents === 500 && p.price.unit === 'month'));
    assert.equal(plans.filter((p) => p.default).length, 1);
    const mini = await expectJson<PlanJson>(await get('/addon-services/redis/plans/mini'), 200);
    assert.equal(mini.name, 'heroku-redis:mini');
    assert.equal(mini.berth_limits.maxmemory_bytes, 25 * 1024 * 1024);
    assert.deepEqual(await expectJson(await get(`/plans/${mini.id}`), 200), mini);
    await expectError(await get('/addon-services/heroku-redis/plans/huge'), 404, 'not_found');
  });
});

describe('POST /apps/:app/addons', () => {
  it('provisions Postgres as DATABASE: the URL in DATABASE_URL, a release "Attach DATABASE (name)" with the plan name', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const res = await bed.api.request(`/apps/${app.name}/addons`, {
      key: dev.key,
      method: 'POST',
      body: jsonBody({ plan: { name: 'heroku-postgresql:essential-0' }, attachment: { name: null }, config: { version: '16', fork: false } }),
      headers: { 'accept-expansion': 'plan', 'x-heroku-legacy-provider-messages': 'true' },
    });
    const addon = await expectJson<AddonJson>(res, 201);
    assert.match(addon.name, /^postgresql-[a-z]+-\d{5}$/);
    assert.equal(addon.state, 'provisioned');
    assert.deepEqual(addon.config_vars, ['DATABASE_URL']);
    assert.equal(addon.plan.name, 'heroku-postgresql:essential-0');
    assert.equal(addon.plan.human_name, 'Essential 0', 'Accept-Expansion: plan inlines the plan');
    assert.deepEqual(addon.plan.price, { cents: 500, contract: false, metered: false, unit: 'month' });
    assert.deepEqual(addon.app, { id: app.id, name: app.name });
    assert.equal(addon.provision_message, `${addon.name} is ready.`);
    assert.equal(JSON.stringify(addon).includes('secret-1'), false, 'the add-on never shows config values');
    assert.deepEqual(bed.postgres.resources.get(addon.id)?.options, { version: '16', fork: 'false' });

    assert.deepEqual(await config(bed.api, dev.key, app.name), { DATABASE_URL: TestAddonProvider.urlOf('heroku-postgresql', addon.name) });
    const release = await latestRelease(bed.api, dev.key, app.name);
    assert.equal(release.description, `Attach DATABASE (${addon.name})`);
    assert.deepEqual(release.addon_plan_names, ['heroku-postgresql:essential-0']);
    const notified = bed.api.platform.of('releaseCreated', app.id).find((e) => e.release.id === release.id)?.release;
    assert.ok(notified, 'the release is rolled to the dynos');
    assert.equal(releaseAnnouncement(notified)[0], `Attach DATABASE (${addon.name}) by user addons-dev@example.com`, 'and announced by its user');
  });

  it('names a second Postgres HEROKU_POSTGRESQL_<COLOR>, --as NAME gives NAME_URL, Redis REDIS_URL, --name the add-on', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    await expectJson(await create(app.name, { plan: 'postgresql' }), 201);
    const second = await expectJson<AddonJson>(await create(app.name, { plan: 'heroku-postgresql:standard-0' }), 201);
    assert.match(second.config_vars[0] ?? '', /^HEROKU_POSTGRESQL_[A-Z]+_URL$/);
    const cache = await expectJson<AddonJson>(await create(app.name, { plan: 'heroku-redis:mini', attachment: { name: 'CACHE' }, name: `cache-${app.name}` }), 201);
    assert.equal(cache.name, `cache-${app.name}`);
    assert.deepEqual(cache.config_vars, ['CACHE_URL']);
    const redis = await expectJson<AddonJson>(await create(app.name, { plan: 'redis' }), 201);
    assert.deepEqual(redis.config_vars, ['REDIS_URL']);
    assert.match(redis.name, /^redis-[a-z]+-\d{5}$/);
    const vars = Object.keys(await config(bed.api, dev.key, app.name)).sort();
    assert.deepEqual(vars, ['CACHE_URL', 'DATABASE_URL', second.config_vars[0], 'REDIS_URL'].sort());
    const release = await latestRelease(bed.api, dev.key, app.name);
    assert.deepEqual(release.addon_plan_names, ['heroku-postgresql:essential-0', 'heroku-postgresql:standard-0', 'heroku-redis:mini']);
  });

  it('concurrent creations on one app each get their own attachment name (DATABASE, then colours)', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const record = await bed.api.store.apps.findByName(app.name);
    assert.ok(record);
    // In process, so the three really interleave: each reads the app's attachments before any writes.
    const lifecycle = new AddonLifecycle(bed.api.deps);
    const plan = bed.api.deps.addons.catalog.resolvePlan('postgresql');
    const made = await Promise.all([1, 2, 3].map(() => lifecycle.create({ app: record, plan, options: {}, user: null })));
    const attachments = await bed.api.store.addonAttachments.listForApp(app.id);
    assert.deepEqual(attachments.map((a) => a.addonId).sort(), made.map((a) => a.id).sort());
    const vars = attachments.map((a) => `${a.name}_URL`).sort();
    assert.equal(new Set(vars).size, 3, vars.join(' '));
    assert.ok(vars.includes('DATABASE_URL'), vars.join(' '));
    assert.deepEqual(Object.keys(await config(bed.api, dev.key, app.name)).sort(), vars);
  });

  it('refuses an unknown service or plan with 422 listing the valid ones, and changes nothing', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const service = await expectError(await create(app.name, { plan: 'mysql:small' }), 422, 'invalid_params');
    assert.match(service.message, /Unknown add-on service "mysql"\. Available services: heroku-postgresql \(postgresql, postgres, pg\), heroku-redis/);
    const plan = await expectError(await create(app.name, { plan: 'heroku-redis:giant' }), 422, 'invalid_params');
    assert.match(plan.message, /heroku-redis has no plan "giant"\. Plans: mini, premium-0/);
    await expectError(await create(app.name, {}), 422, 'invalid_params');
    await expectError(await create(app.name, { plan: 'redis', attachment: { name: 'cache' } }), 422, 'invalid_params');
    await expectError(await create(app.name, { plan: 'redis', name: '9lives' }), 422, 'invalid_params');
    await expectError(await create(app.name, { plan: 'redis', config: { 'bad key!': 'x' } }), 422, 'invalid_params');
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/addons`), 200), []);
    assert.equal(await releaseCount(app.name), 1);
  });

  it('refuses a service with no provider on this Berth, naming the ones there are', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const { AddonRegistry } = await import('../../src/core/addon-registry.js');
    const registry = new AddonRegistry();
    const saved = bed.api.deps.addons;
    bed.api.deps.addons = registry;
    try {
      registry.register(bed.redis);
      const body = await expectError(await create(app.name, { plan: 'heroku-postgresql' }), 422, 'invalid_params');
      assert.match(body.message, /heroku-postgresql is not available on this Berth.*Available: heroku-redis/);
    } finally {
      bed.api.deps.addons = saved;
    }
  });

  it('refuses a name another add-on has (409) and an attachment whose config var exists (409), changing nothing', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    await expectJson(await create(app.name, { plan: 'redis', name: `taken-${app.name}` }), 201);
    await expectError(await create(app.name, { plan: 'postgresql', name: `taken-${app.name}` }), 409, 'conflict');
    await setConfig(bed.api, dev.key, app.name, { DATABASE_URL: 'postgres://mine' });
    const provisions = bed.postgres.calls.length;
    const before = await releaseCount(app.name);
    const clash = await expectError(await create(app.name, { plan: 'postgresql' }), 409, 'conflict');
    assert.match(clash.message, /already has the config var DATABASE_URL.*--as NAME.*Nothing was changed/);
    assert.equal(bed.postgres.calls.length, provisions, 'the provider was not asked');
    assert.equal(await releaseCount(app.name), before);
    assert.deepEqual((await config(bed.api, dev.key, app.name)).DATABASE_URL, 'postgres://mine');
    await expectError(await create(app.name, { plan: 'postgresql', attachment: { name: 'REDIS' } }), 409, 'conflict');
    assert.equal((await expectJson<AddonJson[]>(await get(`/apps/${app.name}/addons`), 200)).length, 1);
  });

  it("answers 404 for another user's app", async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    await expectError(await create(app.name, { plan: 'redis' }, other.key), 404, 'not_found');
  });
});

describe('provider failures', () => {
  for (const [mode, message] of [
    ['fail', /the test provider is down/],
    ['throw', /the provider failed unexpectedly \(cannot read properties of undefined\)/],
    ['sync-throw', /the provider failed unexpectedly \(thrown synchronously\)/],
    ['garbage', /invalid config name/],
    ['hang', /did not answer within 1 s/],
  ] as const) {
    it(`a provider that ${mode === 'hang' ? 'never answers' : mode === 'garbage' ? 'answers garbage' : mode === 'throw' ? 'throws a bug' : mode === 'sync-throw' ? 'throws before answering' : 'is down'} fails the add-on with a clear message; config and releases stay`, async () => {
      const app = await newApp(bed.api, dev.key, 'addon');
      await setConfig(bed.api, dev.key, app.name, { KEEP: 'me' });
      const before = await releaseCount(app.name);
      const events = bed.api.platform.of('releaseCreated', app.id).length;
      bed.postgres.mode = mode;
      try {
        const error = await expectError(await create(app.name, { plan: 'postgresql' }), 502, 'addon_provider_failed');
        assert.match(error.message, message);
        assert.match(error.message, /the app's config is unchanged/);
      } finally {
        bed.postgres.mode = 'ok';
        bed.postgres.release();
      }
      const [failed] = await expectJson<AddonJson[]>(await get(`/apps/${app.name}/addons`), 200);
      assert.equal(failed?.state, 'failed');
      assert.match(failed?.berth_state_message ?? '', message);
      assert.deepEqual(failed?.config_vars, []);
      assert.deepEqual(await config(bed.api, dev.key, app.name), { KEEP: 'me' });
      assert.equal(await releaseCount(app.name), before);
      assert.equal(bed.api.platform.of('releaseCreated', app.id).length, events, 'no dyno was restarted');
      assert.deepEqual(await expectJson(await get(`/apps/${app.name}/addon-attachments`), 200), []);
      // A failed add-on can be destroyed, and its name is free again.
      const destroyed = await expectJson<AddonJson>(await bed.api.request(`/apps/${app.name}/addons/${failed?.id}`, { key: dev.key, method: 'DELETE' }), 200);
      assert.equal(destroyed.state, 'deprovisioned');
    });
  }

  it('a resource the provider made after all (garbage answer) is deprovisioned again', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    bed.redis.mode = 'garbage';
    try {
      await expectError(await create(app.name, { plan: 'redis' }), 502, 'addon_provider_failed');
    } finally {
      bed.redis.mode = 'ok';
    }
    const [failed] = await expectJson<AddonJson[]>(await get(`/apps/${app.name}/addons`), 200);
    await waitFor('the half-made resource to be deprovisioned', () => bed.redis.calls.some((c) => c.op === 'deprovision' && c.addonId === failed?.id));
  });
});

describe('reading add-ons', () => {
  it('shows an add-on by id, name and attachment name, to its owner only, and inlines the service on request', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'postgresql' }), 201);
    for (const path of [`/addons/${addon.id}`, `/addons/${addon.name}`, `/apps/${app.name}/addons/${addon.name}`, `/apps/${app.name}/addons/DATABASE`, `/apps/${app.name}/addons/DATABASE_URL`]) {
      assert.equal((await expectJson<AddonJson>(await get(path), 200)).id, addon.id, path);
    }
    const expanded = await expectJson<AddonJson>(await get(`/addons/${addon.name}`, dev.key, { 'accept-expansion': 'addon_service,plan' }), 200);
    assert.equal(expanded.addon_service.human_name, 'Heroku Postgres');
    assert.ok((await expectJson<AddonJson[]>(await get('/addons'), 200)).some((a) => a.id === addon.id));
    assert.equal((await expectJson<AddonJson[]>(await get('/addons', other.key), 200)).length, 0);
    await expectError(await get(`/addons/${addon.name}`, other.key), 404, 'not_found');
    await expectError(await get(`/apps/${app.name}/addons/nothing-here`), 404, 'not_found');
  });

  it('resolves an add-on as the official CLI asks: by name, by attachment on an app, app::NAME, filtered by service', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'postgresql' }), 201);
    const resolve = (body: unknown, key = dev.key) => bed.api.request('/actions/addons/resolve', { key, method: 'POST', body: jsonBody(body) });
    for (const body of [{ addon: addon.name }, { addon: 'DATABASE', app: app.name }, { addon: `${app.name}::DATABASE` }, { addon: addon.name, app: null, addon_service: 'heroku-postgresql' }]) {
      const found = await expectJson<AddonJson[]>(await resolve(body), 200);
      assert.deepEqual(found.map((a) => a.id), [addon.id], JSON.stringify(body));
    }
    await expectError(await resolve({ addon: addon.name, addon_service: 'heroku-redis' }), 404, 'not_found');
    await expectError(await resolve({ addon: 'DATABASE' }), 404, 'not_found');
    await expectError(await resolve({ addon: addon.name }, other.key), 404, 'not_found');
  });
});

describe('PATCH /apps/:app/addons/:addon (plan change)', () => {
  it('moves the add-on to another plan of its service, with the provider’s new config and a release', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'postgresql' }), 201);
    const res = await bed.api.request(`/apps/${app.name}/addons/${addon.name}`, { key: dev.key, method: 'PATCH', body: jsonBody({ plan: { name: 'heroku-postgresql:standard-0' } }) });
    const upgraded = await expectJson<AddonJson>(res, 200);
    assert.equal(upgraded.plan.name, 'heroku-postgresql:standard-0');
    assert.equal(upgraded.provision_message, 'Now on standard-0.');
    assert.equal(bed.postgres.resources.get(addon.id)?.plan, 'standard-0');
    assert.equal((await config(bed.api, dev.key, app.name)).DATABASE_URL, TestAddonProvider.urlOf('heroku-postgresql', addon.name, 2));
    const release = await latestRelease(bed.api, dev.key, app.name);
    assert.equal(release.description, `Upgrade ${addon.name} to heroku-postgresql:standard-0`);
    assert.deepEqual(release.addon_plan_names, ['heroku-postgresql:standard-0']);
    // A bare plan name means a plan of the add-on's service.
    assert.equal((await expectJson<AddonJson>(await bed.api.request(`/apps/${app.name}/addons/${addon.id}`, { key: dev.key, method: 'PATCH', body: jsonBody({ plan: 'essential-1' }) }), 200)).plan.name, 'heroku-postgresql:essential-1');
  });

  it('renames an add-on with {"name"} (the official addons:rename), refusing a taken or invalid name', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'redis' }), 201);
    const other = await expectJson<AddonJson>(await create(app.name, { plan: 'redis', attachment: { name: 'SECOND' } }), 201);
    const rename = (name: unknown) => bed.api.request(`/apps/${app.id}/addons/${addon.id}`, { key: dev.key, method: 'PATCH', body: jsonBody({ name }) });
    const renamed = await expectJson<AddonJson>(await rename(`cache-${app.name}`), 200);
    assert.equal(renamed.name, `cache-${app.name}`);
    assert.equal(renamed.plan.name, 'heroku-redis:mini');
    assert.equal((await expectJson<AddonJson>(await get(`/addons/cache-${app.name}`), 200)).id, addon.id);
    await expectError(await rename(other.name), 409, 'conflict');
    await expectError(await rename('1-bad'), 422, 'invalid_params');
  });

  it('refuses another service (422) and keeps the plan when the provider fails (502)', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'postgresql' }), 201);
    const patch = (plan: string) => bed.api.request(`/apps/${app.name}/addons/${addon.name}`, { key: dev.key, method: 'PATCH', body: jsonBody({ plan }) });
    await expectError(await patch('heroku-redis:mini'), 422, 'invalid_params');
    await expectError(await patch('heroku-postgresql:nonsense'), 422, 'invalid_params');
    bed.postgres.mode = 'fail';
    try {
      const error = await expectError(await patch('heroku-postgresql:standard-0'), 502, 'addon_provider_failed');
      assert.match(error.message, /stays on heroku-postgresql:essential-0/);
    } finally {
      bed.postgres.mode = 'ok';
    }
    assert.equal((await expectJson<AddonJson>(await get(`/addons/${addon.id}`), 200)).plan.name, 'heroku-postgresql:essential-0');
  });
});

describe('DELETE /apps/:app/addons/:addon', () => {
  it('deprovisions at the provider, removes the config var with a release "Detach DATABASE (name)" and frees the name', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'postgresql', name: `gone-${app.name}` }), 201);
    await setConfig(bed.api, dev.key, app.name, { OTHER: '1' });
    const res = await bed.api.request(`/apps/${app.id}/addons/${addon.id}`, { key: dev.key, method: 'DELETE', body: jsonBody({ force: false }), headers: { 'accept-expansion': 'plan' } });
    const destroyed = await expectJson<AddonJson>(res, 200);
    assert.equal(destroyed.state, 'deprovisioned');
    assert.equal(bed.postgres.resources.has(addon.id), false);
    assert.deepEqual(await config(bed.api, dev.key, app.name), { OTHER: '1' });
    const release = await latestRelease(bed.api, dev.key, app.name);
    assert.equal(release.description, `Detach DATABASE (${addon.name})`);
    assert.deepEqual(release.addon_plan_names, []);
    await expectError(await get(`/addons/${addon.id}`), 404, 'not_found');
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/addons`), 200), []);
    await expectJson(await create(app.name, { plan: 'postgresql', name: `gone-${app.name}` }), 201);
  });

  it('keeps everything when the provider cannot deprovision (502)', async () => {
    const app = await newApp(bed.api, dev.key, 'addon');
    const addon = await expectJson<AddonJson>(await create(app.name, { plan: 'redis' }), 201);
    bed.redis.mode = 'fail';
    try {
      await expectError(await bed.api.request(`/apps/${app.name}/addons/${addon.name}`, { key: dev.key, method: 'DELETE' }), 502, 'addon_provider_failed');
    } finally {
      bed.redis.mode = 'ok';
    }
    assert.equal((await expectJson<AddonJson>(await get(`/addons/${addon.id}`), 200)).state, 'provisioned');
    assert.ok('REDIS_URL' in (await config(bed.api, dev.key, app.name)));
  });
});
