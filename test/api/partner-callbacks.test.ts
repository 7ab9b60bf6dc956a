import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ApiHarness } from '../support/api-harness.js';
import type { PartnerServer } from '../support/partner-server.js';
import { config, createAddon, startPartnerTestbed, type AddonJson, type PartnerTestbed } from './addon-helpers.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

let bed: PartnerTestbed;
let api: ApiHarness;
let partner: PartnerServer;
let dev: { key: string };
before(async () => {
  bed = await startPartnerTestbed('partner-callbacks@example.test');
  ({ api, partner, dev } = bed);
});
after(() => bed.close());
beforeEach(() => {
  partner.behaviour = { kind: 'async' };
});

/** `addons:create acme-kv:test` on a fresh app; the partner answers 202. */
async function provisioning(): Promise<{ app: { id: string; name: string }; addon: AddonJson; code: string }> {
  const target = await newApp(api, dev.key, 'partner-cb');
  const addon = await expectJson<AddonJson>(await createAddon(api, dev.key, target.name, { plan: 'acme-kv:test' }), 201);
  assert.equal(addon.state, 'provisioning');
  assert.equal(addon.provision_message, 'Your store is being prepared.');
  return { app: target, addon, code: partner.resources.get(addon.id)?.grantCode as string };
}

const exchange = (fields: Record<string, string>) =>
  api.request('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

async function accessToken(code: string): Promise<{ access_token: string; refresh_token: string }> {
  return expectJson(await exchange({ grant_type: 'authorization_code', code, client_secret: partner.manifest.api.password }), 200);
}

const callback = (path: string, token: string | undefined, init: RequestInit = {}) =>
  api.request(path, { ...init, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

const releases = async (appName: string) => expectJson<{ version: number; description: string }[]>(await api.request(`/apps/${appName}/releases`, { key: dev.key }), 200);

describe('asynchronous provisioning callbacks', () => {
  it('the partner exchanges its grant, PATCHes config and marks the add-on provisioned: the vars reach the app in a release', async () => {
    const { app: target, addon } = await provisioning();
    assert.deepEqual(await config(api, dev.key, target.name), {}, 'nothing is set while provisioning');
    assert.deepEqual(await partner.completeProvision(addon.id, api.url), { token: 200, config: 200, provision: 200 });
    const providerId = partner.resources.get(addon.id)?.id;
    assert.deepEqual(await config(api, dev.key, target.name), { ACME_KV_URL: `acme://${providerId}.kv.example.test:7000`, ACME_KV_TOKEN: `token-${providerId}` });
    assert.match((await releases(target.name)).at(-1)?.description ?? '', new RegExp(`^Attach ACME_KV \\(${addon.name}\\)`));
    const now = await expectJson<AddonJson>(await api.request(`/apps/${target.name}/addons/${addon.name}`, { key: dev.key }), 200);
    assert.equal(now.state, 'provisioned');
    assert.deepEqual(now.config_vars.sort(), ['ACME_KV_TOKEN', 'ACME_KV_URL']);
    assert.equal(await api.store.addonProviders.findPending(addon.id), undefined, 'the pending config was handed over');
  });

  it('once provisioned, a config PATCH merges into the add-on’s config and makes a release; GET shows it in the manifest’s names', async () => {
    const { app: target, addon, code } = await provisioning();
    const { access_token: token } = await accessToken(code);
    await expectJson(await callback(`/addons/${addon.id}/config`, token, { method: 'PATCH', body: jsonBody({ config: [{ name: 'ACME_KV_URL', value: 'acme://first' }] }) }), 200);
    await expectJson(await callback(`/addons/${addon.id}/actions/provision`, token, { method: 'POST' }), 200);
    const patched = await expectJson(await callback(`/addons/${addon.id}/config`, token, { method: 'PATCH', body: jsonBody({ config: [{ name: 'ACME_KV_TOKEN', value: 'rotated' }] }) }), 200);
    assert.deepEqual(patched, [{ name: 'ACME_KV_URL', value: 'acme://first' }, { name: 'ACME_KV_TOKEN', value: 'rotated' }]);
    assert.deepEqual(await config(api, dev.key, target.name), { ACME_KV_URL: 'acme://first', ACME_KV_TOKEN: 'rotated' });
    assert.equal((await releases(target.name)).at(-1)?.description, `Update config by ${addon.name}`);
    assert.deepEqual(await expectJson(await callback(`/addons/${addon.id}/config`, token), 200), patched);
  });

  it('a partner calling back before it answered the provision request is told to retry, and succeeds after', async () => {
    partner.behaviour = { kind: 'early' };
    const target = await newApp(api, dev.key, 'partner-cb');
    const addon = await expectJson<AddonJson>(await createAddon(api, dev.key, target.name, { plan: 'acme-kv:test' }), 201);
    assert.deepEqual(partner.early.at(-1), { token: 200, config: 200, provision: 409 });
    assert.equal(addon.state, 'provisioning');
    assert.deepEqual(await partner.completeProvision(addon.id, api.url), { token: 200, config: 200, provision: 200 });
    assert.equal((await api.store.addons.findById(addon.id))?.providerId, partner.resources.get(addon.id)?.id);
    assert.deepEqual(Object.keys(await config(api, dev.key, target.name)).sort(), ['ACME_KV_TOKEN', 'ACME_KV_URL']);
  });

  it('the provider writes log lines to its log_input_url; they reach the app’s log as app[PROCID], escaped', async () => {
    partner.behaviour = { kind: 'sync' };
    const target = await newApp(api, dev.key, 'partner-cb');
    const addon = await expectJson<AddonJson>(await createAddon(api, dev.key, target.name, { plan: 'acme-kv:test' }), 201);
    const status = await partner.writeLogs(addon.id, [
      { procId: 'acme-kv', message: 'slow query: 1200 ms' },
      { procId: 'acme-kv', message: 'ünïcode and a \u001b[31mcolour' },
      { procId: 'bad/proc', message: 'falls back to the service' },
    ]);
    assert.equal(status, 204);
    const mine = api.lines.filter((l) => l.appId === target.id && l.process !== 'api');
    assert.deepEqual(mine.map((l) => [l.process, l.message]), [
      ['acme-kv', 'slow query: 1200 ms'],
      ['acme-kv', 'ünïcode and a \\x1b[31mcolour'],
      ['acme-kv', 'falls back to the service'],
    ]);
    assert.equal(await partner.writeLogs(addon.id, [], '12 not a frame'), 422);
    partner.behaviour = { kind: 'async' };
    const other = await provisioning();
    const resource = partner.resources.get(other.addon.id);
    assert.ok(resource);
    const theirs = resource.logInputUrl;
    resource.logInputUrl = theirs.replace(`/addons/${other.addon.id}/`, `/addons/${addon.id}/`);
    assert.equal(await partner.writeLogs(other.addon.id, [{ procId: 'x', message: 'into another add-on' }]), 403);
    resource.logInputUrl = theirs.replace(/token:[^@]+@/, 'token:bpl_guessed@');
    assert.equal(await partner.writeLogs(other.addon.id, [{ procId: 'x', message: 'guessed' }]), 401);
    assert.equal(api.lines.filter((l) => /another add-on|guessed/.test(l.message)).length, 0);
  });

  it('a refresh token gets a new access token that works', async () => {
    const { addon, code } = await provisioning();
    const first = await accessToken(code);
    const refreshed = await expectJson<{ access_token: string; token_type: string; expires_in: number }>(
      await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_secret: partner.manifest.api.password }),
      200,
    );
    assert.deepEqual([refreshed.token_type, refreshed.expires_in], ['Bearer', 28_800]);
    assert.notEqual(refreshed.access_token, first.access_token);
    await expectJson(await callback(`/addons/${addon.id}/config`, refreshed.access_token), 200);
  });
});

describe('callbacks with wrong credentials change nothing', () => {
  it('a wrong client secret is 401 and the grant still works; a used grant is 401', async () => {
    const { code } = await provisioning();
    await expectError(await exchange({ grant_type: 'authorization_code', code, client_secret: 'guessed-password' }), 401, 'unauthorized');
    await accessToken(code);
    const again = await expectError(await exchange({ grant_type: 'authorization_code', code, client_secret: partner.manifest.api.password }), 401, 'unauthorized');
    assert.match(again.message, /unknown or was used already/);
    await expectError(await exchange({ grant_type: 'password', client_secret: 'x' }), 422, 'invalid_params');
  });

  it('no token, an unknown token, Basic with the manifest password, a user key or another add-on’s token is refused', async () => {
    const mine = await provisioning();
    const theirs = await provisioning();
    const { access_token: theirToken } = await accessToken(theirs.code);
    const patch = { method: 'PATCH', body: jsonBody({ config: [{ name: 'ACME_KV_URL', value: 'acme://evil' }] }) };
    await expectError(await callback(`/addons/${mine.addon.id}/config`, undefined, patch), 401, 'unauthorized');
    await expectError(await callback(`/addons/${mine.addon.id}/config`, 'bpa_not-a-real-token', patch), 401, 'unauthorized');
    const basic = await api.request(`/addons/${mine.addon.id}/config`, { ...patch, headers: { authorization: `Basic ${Buffer.from(`acme-kv:${partner.manifest.api.password}`).toString('base64')}` } });
    await expectError(basic, 401, 'unauthorized');
    await expectError(await callback(`/addons/${mine.addon.id}/actions/provision`, dev.key, { method: 'POST' }), 401, 'unauthorized');
    const forbidden = await expectError(await callback(`/addons/${mine.addon.id}/config`, theirToken, patch), 403, 'forbidden');
    assert.match(forbidden.message, /another add-on/);
    await expectError(await callback(`/addons/${mine.addon.id}/actions/provision`, theirToken, { method: 'POST' }), 403, 'forbidden');
    assert.equal(await api.store.addonProviders.findPending(mine.addon.id), undefined);
    assert.equal((await api.store.addons.findById(mine.addon.id))?.state, 'provisioning');
    assert.deepEqual(await config(api, dev.key, mine.app.name), {});
  });

  it('config outside the manifest or with control characters is refused and not kept', async () => {
    const { app: target, addon, code } = await provisioning();
    const { access_token: token } = await accessToken(code);
    const send = (list: unknown) => callback(`/addons/${addon.id}/config`, token, { method: 'PATCH', body: jsonBody({ config: list }) });
    assert.match((await expectError(await send([{ name: 'PATH', value: '/evil' }]), 422, 'invalid_params')).message, /"PATH" is not in the manifest/);
    assert.match((await expectError(await send([{ name: 'ACME_KV_URL', value: 'a\r\nb' }]), 422, 'invalid_params')).message, /control characters/);
    await expectError(await send({ ACME_KV_URL: 'x' }), 422, 'invalid_params');
    assert.equal(await api.store.addonProviders.findPending(addon.id), undefined);
    await expectJson(await callback(`/addons/${addon.id}/actions/provision`, token, { method: 'POST' }), 200);
    assert.deepEqual(await config(api, dev.key, target.name), {}, 'provisioned with no config: nothing refused was kept');
  });

  it('a destroyed add-on’s token is revoked at its next use', async () => {
    const { app: target, addon, code } = await provisioning();
    const { access_token: token, refresh_token: refresh } = await accessToken(code);
    await expectJson(await api.request(`/apps/${target.name}/addons/${addon.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.match((await expectError(await callback(`/addons/${addon.id}/config`, token), 401, 'unauthorized')).message, /was destroyed and its tokens are revoked/);
    await expectError(await callback(`/addons/${addon.id}/config`, token), 401, 'unauthorized');
    await expectError(await exchange({ grant_type: 'refresh_token', refresh_token: refresh, client_secret: partner.manifest.api.password }), 401, 'unauthorized');
  });

  it('a failed add-on takes no more config and cannot be marked provisioned', async () => {
    const { app: target, addon, code } = await provisioning();
    const { access_token: token } = await accessToken(code);
    await api.store.addons.markFailed(addon.id, 'the provider never called back');
    await expectError(await callback(`/addons/${addon.id}/actions/provision`, token, { method: 'POST' }), 422, 'invalid_params');
    await expectError(await callback(`/addons/${addon.id}/config`, token, { method: 'PATCH', body: jsonBody({ config: [{ name: 'ACME_KV_URL', value: 'x' }] }) }), 422, 'invalid_params');
    assert.deepEqual(await config(api, dev.key, target.name), {});
  });
});
