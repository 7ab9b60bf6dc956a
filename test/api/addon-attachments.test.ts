import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AddonLifecycle } from '../../src/api/addon-lifecycle.js';
import { STALE_ADDON_MESSAGE } from '../../src/api/addon-provisioning.js';
import { TestAddonProvider } from '../support/test-addon-provider.js';
import { deploy, latestRelease, newApp, setConfig } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';
import { config, createAddon, startAddonApi, type AddonJson, type AddonTestbed, type AttachmentJson } from './addon-helpers.js';
import { waitFor } from '../support/wait.js';

let bed: AddonTestbed;
let dev: { key: string; accountId: string };
let other: { key: string; accountId: string };
before(async () => {
  bed = await startAddonApi();
  dev = await bed.api.createUser('attach-dev@example.com');
  other = await bed.api.createUser('attach-other@example.com');
});
after(async () => {
  await bed.api.close();
});

const get = (path: string, key = dev.key) => bed.api.request(path, { key });
const attach = (body: Record<string, unknown>, key = dev.key) => bed.api.request('/addon-attachments', { key, method: 'POST', body: jsonBody(body) });
const detach = (id: string, key = dev.key) => bed.api.request(`/addon-attachments/${id}`, { key, method: 'DELETE' });
const destroy = (app: string, addon: string, body: Record<string, unknown> = {}) => bed.api.request(`/apps/${app}/addons/${addon}`, { key: dev.key, method: 'DELETE', body: jsonBody(body) });
const lifecycle = () => new AddonLifecycle(bed.api.deps);

/** Two apps, the first with a Postgres add-on. */
async function sharedSetup() {
  const owner = await newApp(bed.api, dev.key, 'own');
  const user = await newApp(bed.api, dev.key, 'use');
  const addon = await expectJson<AddonJson>(await createAddon(bed.api, dev.key, owner.name, { plan: 'postgresql' }), 201);
  return { owner, user, addon, url: TestAddonProvider.urlOf('heroku-postgresql', addon.name) };
}

describe('sharing an add-on between apps', () => {
  it('attaching to a second app sets the same URL there with its own release; both apps list the add-on', async () => {
    const { owner, user, addon, url } = await sharedSetup();
    const attachment = await expectJson<AttachmentJson>(await attach({ addon: { name: addon.name }, app: { name: user.name }, confirm: null, name: undefined }), 201);
    assert.equal(attachment.name, 'DATABASE');
    assert.deepEqual(attachment.app, { id: user.id, name: user.name });
    assert.deepEqual(attachment.addon.app, { id: owner.id, name: owner.name });
    assert.deepEqual(attachment.config_vars, ['DATABASE_URL']);
    assert.deepEqual(await config(bed.api, dev.key, user.name), { DATABASE_URL: url });
    const release = await latestRelease(bed.api, dev.key, user.name);
    assert.equal(release.description, `Attach DATABASE (${addon.name})`);
    assert.deepEqual(release.addon_plan_names, ['heroku-postgresql:essential-0']);
    assert.deepEqual((await expectJson<AddonJson[]>(await get(`/apps/${user.name}/addons`), 200)).map((a) => a.id), [addon.id]);
    const attachments = await expectJson<AttachmentJson[]>(await get(`/addons/${addon.id}/addon-attachments`), 200);
    assert.deepEqual(attachments.map((a) => a.app.name), [owner.name, user.name]);
    assert.ok((await expectJson<AttachmentJson[]>(await get('/addon-attachments'), 200)).some((a) => a.id === attachment.id));
    assert.deepEqual(await expectJson(await get(`/addon-attachments/${attachment.id}`), 200), attachment);
    assert.deepEqual(await expectJson(await get(`/apps/${user.name}/addon-attachments/DATABASE`), 200), attachment);
  });

  it('a second attachment with --as gets NAME_URL; a name in use or a var that exists is refused (409) with nothing changed', async () => {
    const { user, addon, url } = await sharedSetup();
    await setConfig(bed.api, dev.key, user.name, { DATABASE_URL: 'postgres://local' });
    const before = await latestRelease(bed.api, dev.key, user.name);
    const clash = await expectError(await attach({ addon: addon.name, app: user.name, name: 'DATABASE' }), 409, 'conflict');
    assert.match(clash.message, /already has the config var DATABASE_URL/);
    assert.equal((await latestRelease(bed.api, dev.key, user.name)).version, before.version);
    assert.deepEqual(await expectJson(await get(`/apps/${user.name}/addon-attachments`), 200), []);
    const named = await expectJson<AttachmentJson>(await attach({ addon: addon.id, app: user.id, name: 'PRIMARY' }), 201);
    assert.deepEqual(named.config_vars, ['PRIMARY_URL']);
    assert.deepEqual(await config(bed.api, dev.key, user.name), { DATABASE_URL: 'postgres://local', PRIMARY_URL: url });
    await expectError(await attach({ addon: addon.id, app: user.id, name: 'PRIMARY' }), 409, 'conflict');
    await expectError(await attach({ addon: addon.id, app: user.id, name: 'primary' }), 422, 'invalid_params');
  });

  it('destroying an add-on attached elsewhere needs confirmation; confirmed, every app loses its vars with a release', async () => {
    const { owner, user, addon } = await sharedSetup();
    await expectJson(await attach({ addon: addon.name, app: user.name }), 201);
    const refused = await expectError(await destroy(owner.name, addon.name), 422, 'confirmation_required');
    assert.match(refused.message, new RegExp(`also attached to ${user.name} \\(as DATABASE\\)`));
    assert.equal(bed.postgres.resources.has(addon.id), true, 'nothing was deprovisioned');
    await expectError(await destroy(owner.name, addon.name, { confirm: user.name }), 422, 'confirmation_required');
    await expectError(await destroy(user.name, addon.name, { force: true }), 422, 'invalid_params');
    assert.equal((await expectJson<AddonJson>(await destroy(owner.name, addon.name, { confirm: owner.name }), 200)).state, 'deprovisioned');
    for (const app of [owner, user]) {
      assert.deepEqual(await config(bed.api, dev.key, app.name), {});
      assert.equal((await latestRelease(bed.api, dev.key, app.name)).description, `Detach DATABASE (${addon.name})`);
    }
  });

  it('force destroys a shared add-on too', async () => {
    const { owner, user, addon } = await sharedSetup();
    await expectJson(await attach({ addon: addon.name, app: user.name }), 201);
    await expectJson(await destroy(owner.name, addon.id, { force: true }), 200);
    assert.deepEqual(await expectJson(await get(`/apps/${user.name}/addons`), 200), []);
  });

  it("a stranger can neither see nor attach someone's add-on, nor detach their attachment", async () => {
    const { user, addon } = await sharedSetup();
    const strangersApp = await newApp(bed.api, other.key, 'stranger');
    await expectError(await attach({ addon: addon.name, app: strangersApp.name }, other.key), 404, 'not_found');
    await expectError(await attach({ addon: addon.name, app: strangersApp.name }), 404, 'not_found');
    const attachment = await expectJson<AttachmentJson>(await attach({ addon: addon.name, app: user.name }), 201);
    await expectError(await detach(attachment.id, other.key), 404, 'not_found');
    await expectError(await get(`/addon-attachments/${attachment.id}`, other.key), 404, 'not_found');
    await expectError(await get(`/addons/${addon.id}/addon-attachments`, other.key), 404, 'not_found');
  });
});

describe('apps with a release phase', () => {
  it('attaching makes a pending release that goes through the release phase, as a config change does', async () => {
    const app = await newApp(bed.api, dev.key, 'phase');
    const deployed = await deploy(bed.api, dev.key, app.name, { processTypes: { web: 'node server.js', release: 'node migrate.js' } });
    await bed.api.store.releases.finish(deployed.id, 'succeeded'); // as the release phase would
    const addon = await expectJson<AddonJson>(await createAddon(bed.api, dev.key, app.name, { plan: 'postgresql' }), 201);
    const release = await latestRelease(bed.api, dev.key, app.name);
    assert.equal(release.description, `Attach DATABASE (${addon.name})`);
    assert.equal(release.status, 'pending', 'the release phase runs before it goes live');
    const announced = bed.api.platform.of('releaseCreated', app.id).find((e) => e.release.id === release.id);
    assert.equal(announced?.release.status, 'pending');
    assert.equal(announced?.release.releaseCommand, 'node migrate.js');
  });
});

describe('detaching', () => {
  it('DELETE /addon-attachments/:id removes the vars with a release "Detach NAME (addon)"; the add-on stays', async () => {
    const { owner, user, addon } = await sharedSetup();
    const attachment = await expectJson<AttachmentJson>(await attach({ addon: addon.name, app: user.name, name: 'SHARED' }), 201);
    assert.deepEqual(await expectJson(await detach(attachment.id), 200), attachment);
    assert.deepEqual(await config(bed.api, dev.key, user.name), {});
    const release = await latestRelease(bed.api, dev.key, user.name);
    assert.equal(release.description, `Detach SHARED (${addon.name})`);
    assert.deepEqual(release.addon_plan_names, []);
    assert.ok('DATABASE_URL' in (await config(bed.api, dev.key, owner.name)));
    await expectError(await detach(attachment.id), 404, 'not_found');
  });

  it('resolves attachments as the official CLI asks: by name on an app, app::NAME, by add-on name', async () => {
    const { owner, addon } = await sharedSetup();
    const resolve = (body: unknown) => bed.api.request('/actions/addon-attachments/resolve', { key: dev.key, method: 'POST', body: jsonBody(body) });
    for (const body of [{ addon_attachment: 'DATABASE', app: owner.name }, { addon_attachment: `${owner.name}::DATABASE_URL` }, { addon_attachment: addon.name, app: null }]) {
      const found = await expectJson<AttachmentJson[]>(await resolve(body), 200);
      assert.deepEqual(found.map((a) => [a.app.name, a.name]), [[owner.name, 'DATABASE']], JSON.stringify(body));
    }
    await expectError(await resolve({ addon_attachment: 'DATABASE', app: owner.name, addon_service: 'heroku-redis' }), 404, 'not_found');
    await expectError(await resolve({ addon_attachment: 'NOPE', app: owner.name }), 404, 'not_found');
  });
});

describe('destroying apps', () => {
  it("deleting an app deprovisions its add-ons and detaches them from apps that share them, with a release there", async () => {
    const { owner, user, addon } = await sharedSetup();
    await expectJson(await attach({ addon: addon.name, app: user.name }), 201);
    await expectJson(await bed.api.request(`/apps/${owner.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(bed.postgres.resources.has(addon.id), false);
    assert.deepEqual(await config(bed.api, dev.key, user.name), {});
    assert.equal((await latestRelease(bed.api, dev.key, user.name)).description, `Detach DATABASE (${addon.name})`);
    await expectError(await get(`/addons/${addon.name}`), 404, 'not_found');
  });

  it("deleting an app that only uses another app's add-on leaves the add-on where it belongs", async () => {
    const { owner, user, addon } = await sharedSetup();
    await expectJson(await attach({ addon: addon.name, app: user.name }), 201);
    await expectJson(await bed.api.request(`/apps/${user.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(bed.postgres.resources.has(addon.id), true);
    const attachments = await expectJson<AttachmentJson[]>(await get(`/addons/${addon.id}/addon-attachments`), 200);
    assert.deepEqual(attachments.map((a) => a.app.name), [owner.name]);
  });
});

describe('providers reporting back (the config sink)', () => {
  it('an asynchronous provision is provisioning with no vars, then completes with a release', async () => {
    const app = await newApp(bed.api, dev.key, 'async');
    bed.redis.mode = 'async';
    let addon: AddonJson;
    try {
      addon = await expectJson<AddonJson>(await createAddon(bed.api, dev.key, app.name, { plan: 'redis' }), 201);
    } finally {
      bed.redis.mode = 'ok';
    }
    assert.equal(addon.state, 'provisioning');
    assert.equal(addon.provision_message, 'Provisioning in the background.');
    assert.deepEqual(await config(bed.api, dev.key, app.name), {});
    await lifecycle().provisioned(addon.id, { URL: 'redis://late', TLS_URL: 'rediss://late' }, 'Done.');
    assert.deepEqual(await config(bed.api, dev.key, app.name), { REDIS_URL: 'redis://late', REDIS_TLS_URL: 'rediss://late' });
    assert.equal((await latestRelease(bed.api, dev.key, app.name)).description, `Attach REDIS (${addon.name})`);
    assert.equal((await expectJson<AddonJson>(await get(`/addons/${addon.id}`), 200)).state, 'provisioned');
  });

  it('an asynchronous provision that fails leaves the app untouched', async () => {
    const app = await newApp(bed.api, dev.key, 'async');
    bed.redis.mode = 'async';
    let addon: AddonJson;
    try {
      addon = await expectJson<AddonJson>(await createAddon(bed.api, dev.key, app.name, { plan: 'redis' }), 201);
    } finally {
      bed.redis.mode = 'ok';
    }
    await lifecycle().failed(addon.id, 'out of capacity');
    const failed = await expectJson<AddonJson>(await get(`/addons/${addon.id}`), 200);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.berth_state_message, 'out of capacity');
    assert.equal((await latestRelease(bed.api, dev.key, app.name)).version, 1);
    // The provider finishing after all changes nothing, and its resource is removed again.
    await lifecycle().provisioned(addon.id, { URL: 'redis://too-late' });
    assert.equal((await expectJson<AddonJson>(await get(`/addons/${addon.id}`), 200)).state, 'failed');
    assert.deepEqual(await config(bed.api, dev.key, app.name), {});
    await waitFor('the late resource to be deprovisioned', () => bed.redis.calls.some((c) => c.op === 'deprovision' && c.addonId === addon.id));
  });

  it('a config update (credential rotation) writes one release on every attached app', async () => {
    const { owner, user, addon } = await sharedSetup();
    await expectJson(await attach({ addon: addon.name, app: user.name, name: 'SHARED' }), 201);
    await lifecycle().updateConfig(addon.id, { URL: 'postgres://rotated' }, `Update DATABASE by ${addon.name}`);
    assert.deepEqual(await config(bed.api, dev.key, owner.name), { DATABASE_URL: 'postgres://rotated' });
    assert.deepEqual(await config(bed.api, dev.key, user.name), { SHARED_URL: 'postgres://rotated' });
    assert.equal((await latestRelease(bed.api, dev.key, user.name)).description, `Update DATABASE by ${addon.name}`);
    await assert.rejects(lifecycle().updateConfig(addon.id, { 'bad name': 'x' }, 'x'), /invalid config name/);
  });
});

describe('a control plane killed while provisioning', () => {
  it('recovery fails add-ons left provisioning (cleaning up at the provider) and keeps accepted asynchronous ones', async () => {
    const app = await newApp(bed.api, dev.key, 'stale');
    const { store } = bed.api;
    const crashed = await store.addons.create({ appId: app.id, name: `crashed-${app.name}`, service: 'heroku-postgresql', plan: 'essential-0' });
    await store.addonAttachments.create({ addonId: crashed.id, appId: app.id, name: 'DATABASE' });
    const waiting = await store.addons.create({ appId: app.id, name: `waiting-${app.name}`, service: 'heroku-redis', plan: 'mini' });
    await store.addons.markAccepted(waiting.id, 'res-async', null);
    const failed = await lifecycle().recoverStale();
    assert.ok(failed.includes(crashed.id));
    assert.ok(!failed.includes(waiting.id));
    const after = await expectJson<AddonJson>(await get(`/addons/${crashed.id}`), 200);
    assert.equal(after.state, 'failed');
    assert.equal(after.berth_state_message, STALE_ADDON_MESSAGE);
    assert.ok(bed.postgres.calls.some((c) => c.op === 'deprovision' && c.addonId === crashed.id));
    assert.equal((await expectJson<AddonJson>(await get(`/addons/${waiting.id}`), 200)).state, 'provisioning');
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/addon-attachments`), 200), []);
    assert.deepEqual(await lifecycle().recoverStale(), [], 'a second start finds nothing');
  });
});
