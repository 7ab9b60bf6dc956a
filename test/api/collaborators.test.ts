// Collaborators: an owner shares an app; the collaborator deploys, scales, reads logs and changes
// config but cannot delete, rename or manage access; strangers still get the 404 of a missing app.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { deploy, newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

interface CollaboratorJson {
  id: string;
  role: string;
  permissions: Array<{ name: string; description: string }>;
  user: { email: string; id: string; federated: boolean };
  app: { id: string; name: string };
  created_at: string;
  updated_at: string;
}

const api = useApi();
const owner = api.user('collab-owner@example.com');
const mate = api.user('collab-mate@example.com');
const other = api.user('collab-other@example.com');
const stranger = api.user('collab-stranger@example.com');

async function share(app: string, email: string, key = owner.key): Promise<Response> {
  return api.request(`/apps/${app}/collaborators`, { key, method: 'POST', body: jsonBody({ user: email, silent: true }) });
}

describe('collaborators', () => {
  it("adds a collaborator in Heroku's shape and lists the owner first, then the collaborator", async () => {
    const app = await newApp(api, owner.key);
    const added = await expectJson<CollaboratorJson>(await share(app.name, mate.email), 201);
    assert.deepEqual(Object.keys(added).sort(), ['app', 'created_at', 'id', 'permissions', 'role', 'updated_at', 'user']);
    assert.deepEqual(added.app, { id: app.id, name: app.name });
    assert.deepEqual(added.user, { email: mate.email, federated: false, id: mate.accountId });
    assert.equal(added.role, 'collaborator');
    assert.deepEqual(added.permissions.map((p) => p.name), ['view', 'deploy', 'operate']);
    const list = await expectJson<CollaboratorJson[]>(await api.request(`/apps/${app.name}/collaborators`, { key: mate.key }), 200);
    assert.deepEqual(list.map((c) => [c.user.email, c.role]), [[owner.email, 'owner'], [mate.email, 'collaborator']]);
    const one = await expectJson<CollaboratorJson>(await api.request(`/apps/${app.name}/collaborators/${mate.email}`, { key: owner.key }), 200);
    assert.equal(one.id, added.id);
    assert.ok(api.lines.some((l) => l.appId === app.id && l.message === `Add ${mate.email} as a collaborator by user ${owner.email}`));
  });

  it('lists the apps an account collaborates on beside its own, and not in its personal list', async () => {
    const app = await newApp(api, owner.key);
    await expectJson(await share(app.name, other.email), 201);
    const all = await expectJson<Array<{ name: string }>>(await api.request('/apps', { key: other.key }), 200);
    assert.ok(all.some((a) => a.name === app.name));
    const personal = await expectJson<Array<{ name: string }>>(await api.request('/users/~/apps', { key: other.key }), 200);
    assert.ok(!personal.some((a) => a.name === app.name));
    const strangers = await expectJson<Array<{ name: string }>>(await api.request('/apps', { key: stranger.key }), 200);
    assert.ok(!strangers.some((a) => a.name === app.name));
  });

  it('lets a collaborator deploy, change config, scale, restart, add domains and drains and open log sessions', async () => {
    const app = (await newApp(api, owner.key)).name;
    await expectJson(await share(app, mate.email), 201);
    const as = (path: string, method: string, body?: unknown) => api.request(`/apps/${app}${path}`, { key: mate.key, method, ...(body !== undefined ? { body: jsonBody(body) } : {}) });
    const release = await deploy(api, mate.key, app);
    assert.equal(release.user.email, mate.email);
    await expectJson(await as('/config-vars', 'PATCH', { GREETING: 'hi' }), 200);
    await expectJson(await as('/formation', 'PATCH', { updates: [{ type: 'web', quantity: 2 }] }), 200);
    await expectJson(await as('/dynos', 'DELETE'), 202);
    await expectJson(await as('/domains', 'POST', { hostname: `${app}.shared.example.com`, sni_endpoint: null }), 201);
    await expectJson(await as('/log-drains', 'POST', { url: 'https://drain.example.com/logs' }), 201);
    await expectJson(await as('/log-sessions', 'POST', {}), 201);
    await expectJson(await as('', 'PATCH', { maintenance: true }), 200);
  });

  it('refuses a collaborator every owner-level action with 403 naming the manage permission, and changes nothing', async () => {
    const app = (await newApp(api, owner.key)).name;
    await expectJson(await share(app, mate.email), 201);
    await expectJson(await share(app, other.email), 201);
    const refusals: Array<[string, string, unknown?]> = [
      ['', 'DELETE'],
      ['', 'PATCH', { name: `${app}-x` }],
      ['/collaborators', 'POST', { user: stranger.email }],
      [`/collaborators/${other.email}`, 'DELETE'],
    ];
    for (const [path, method, body] of refusals) {
      const res = await api.request(`/apps/${app}${path}`, { key: mate.key, method, ...(body !== undefined ? { body: jsonBody(body) } : {}) });
      const error = await expectError(res, 403, 'forbidden');
      assert.match(error.message, new RegExp(`needs the manage permission on ${app}; you have view, deploy, operate`), `${method} ${path}`);
    }
    const info = await expectJson<{ name: string }>(await api.request(`/apps/${app}`, { key: owner.key }), 200);
    assert.equal(info.name, app);
    const list = await expectJson<CollaboratorJson[]>(await api.request(`/apps/${app}/collaborators`, { key: owner.key }), 200);
    assert.deepEqual(list.map((c) => c.user.email), [owner.email, mate.email, other.email]);
  });

  it('answers a stranger as for a missing app, also when trying to share it', async () => {
    const app = (await newApp(api, owner.key)).name;
    for (const res of [await api.request(`/apps/${app}/collaborators`, { key: stranger.key }), await share(app, stranger.email, stranger.key)]) {
      const error = await expectError(res, 404, 'not_found');
      assert.equal(error.message, `Couldn't find that app: ${app}.`);
    }
  });

  it('refuses adding an account that does not exist, one twice, or the owner, and removing the owner', async () => {
    const app = (await newApp(api, owner.key)).name;
    const missing = await expectError(await share(app, 'nobody@example.com'), 404, 'not_found');
    assert.match(missing.message, /Couldn't find that user: nobody@example.com/);
    await expectJson(await share(app, mate.email), 201);
    const twice = await expectError(await share(app, mate.email), 409, 'conflict');
    assert.match(twice.message, /already a collaborator/);
    const self = await expectError(await share(app, owner.email), 422, 'invalid_params');
    assert.match(self.message, /owns/);
    const lastOwner = await expectError(await api.request(`/apps/${app}/collaborators/${owner.email}`, { key: owner.key, method: 'DELETE' }), 422, 'invalid_params');
    assert.match(lastOwner.message, /cannot be removed: an app always has an owner/);
    await expectError(await api.request(`/apps/${app}/collaborators`, { key: owner.key, method: 'POST', body: jsonBody({}) }), 422, 'invalid_params');
    const list = await expectJson<CollaboratorJson[]>(await api.request(`/apps/${app}/collaborators`, { key: owner.key }), 200);
    assert.deepEqual(list.map((c) => c.user.email), [owner.email, mate.email]);
  });

  it('lets the owner remove a collaborator and a collaborator leave; then the app is a 404 to them', async () => {
    const app = (await newApp(api, owner.key)).name;
    await expectJson(await share(app, mate.email), 201);
    await expectJson(await share(app, other.email), 201);
    const removed = await expectJson<CollaboratorJson>(await api.request(`/apps/${app}/collaborators/${mate.email}`, { key: owner.key, method: 'DELETE' }), 200);
    assert.equal(removed.user.email, mate.email);
    await expectError(await api.request(`/apps/${app}`, { key: mate.key }), 404, 'not_found');
    await expectJson(await api.request(`/apps/${app}/collaborators/${other.accountId}`, { key: other.key, method: 'DELETE' }), 200);
    await expectError(await api.request(`/apps/${app}/config-vars`, { key: other.key }), 404, 'not_found');
  });
});
