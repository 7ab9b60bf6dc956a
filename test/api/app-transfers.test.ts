// App transfers: an owner offers an app, the recipient accepts or declines; an admin moves an app
// at once with PATCH /apps/:app {"owner"}. Bad offers are refused and change nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

interface TransferJson {
  id: string;
  app: { id: string; name: string };
  owner: { email: string; id: string };
  recipient: { email: string; id: string };
  state: string;
  created_at: string;
  updated_at: string;
}

const api = useApi();
const alice = api.user('transfer-alice@example.com');
const bob = api.user('transfer-bob@example.com');
const carol = api.user('transfer-carol@example.com');

const offer = (app: string, recipient: string, key = alice.key) => api.request('/account/app-transfers', { key, method: 'POST', body: jsonBody({ app, recipient }) });
const owner = async (app: string) => (await expectJson<{ owner: { email: string } }>(await api.request(`/apps/${app}`, { key: api.adminKey }), 200)).owner.email;

describe('app transfers', () => {
  it("offers an app in Heroku's shape; the recipient accepts, owns it, and the previous owner stays as a collaborator", async () => {
    const app = await newApp(api, alice.key);
    const offered = await expectJson<TransferJson>(await offer(app.name, bob.email), 201);
    assert.deepEqual(Object.keys(offered).sort(), ['app', 'created_at', 'id', 'owner', 'recipient', 'state', 'updated_at']);
    assert.deepEqual([offered.app, offered.owner.email, offered.recipient.email, offered.state], [{ id: app.id, name: app.name }, alice.email, bob.email, 'pending']);
    const bobs = await expectJson<TransferJson[]>(await api.request('/account/app-transfers', { key: bob.key }), 200);
    assert.deepEqual(bobs.map((t) => t.id), [offered.id]);
    assert.equal(await owner(app.name), alice.email, 'nothing moves before the recipient accepts');

    const accepted = await expectJson<TransferJson>(await api.request(`/account/app-transfers/${app.name}`, { key: bob.key, method: 'PATCH', body: jsonBody({ state: 'accepted' }) }), 200);
    assert.equal(accepted.state, 'accepted');
    assert.equal(await owner(app.name), bob.email);
    const access = await expectJson<Array<{ role: string; user: { email: string } }>>(await api.request(`/apps/${app.name}/collaborators`, { key: bob.key }), 200);
    assert.deepEqual(access.map((c) => [c.user.email, c.role]), [[bob.email, 'owner'], [alice.email, 'collaborator']]);
    const refused = await expectError(await api.request(`/apps/${app.name}`, { key: alice.key, method: 'DELETE' }), 403, 'forbidden');
    assert.match(refused.message, /needs the manage permission/);
  });

  it('a declined or cancelled offer changes nothing', async () => {
    const app = (await newApp(api, alice.key)).name;
    const first = await expectJson<TransferJson>(await offer(app, bob.email), 201);
    const declined = await expectJson<TransferJson>(await api.request(`/account/app-transfers/${first.id}`, { key: bob.key, method: 'PATCH', body: jsonBody({ state: 'declined' }) }), 200);
    assert.equal(declined.state, 'declined');
    await expectError(await api.request(`/account/app-transfers/${first.id}`, { key: bob.key, method: 'PATCH', body: jsonBody({ state: 'accepted' }) }), 422, 'invalid_params');
    const second = await expectJson<TransferJson>(await offer(app, carol.email), 201);
    await expectJson(await api.request(`/account/app-transfers/${second.id}`, { key: alice.key, method: 'DELETE' }), 200);
    await expectError(await api.request(`/account/app-transfers/${second.id}`, { key: carol.key }), 404, 'not_found');
    assert.equal(await owner(app), alice.email);
  });

  it('refuses transferring to oneself, to nobody, twice at once, by a collaborator or a stranger, and accepting by anyone but the recipient', async () => {
    const app = (await newApp(api, alice.key)).name;
    assert.match((await expectError(await offer(app, alice.email), 422, 'invalid_params')).message, /owns .* already/);
    assert.match((await expectError(await offer(app, 'nobody@example.com'), 404, 'not_found')).message, /Couldn't find that user/);
    await expectJson(await api.request(`/apps/${app}/collaborators`, { key: alice.key, method: 'POST', body: jsonBody({ user: carol.email }) }), 201);
    assert.match((await expectError(await offer(app, bob.email, carol.key), 403, 'forbidden')).message, new RegExp(`needs the manage permission on ${app}`));
    assert.equal((await expectError(await offer(app, bob.email, bob.key), 404, 'not_found')).message, `Couldn't find that app: ${app}.`);
    const pending = await expectJson<TransferJson>(await offer(app, bob.email), 201);
    await expectError(await offer(app, bob.email), 409, 'conflict');
    await expectError(await api.request(`/account/app-transfers/${pending.id}`, { key: alice.key, method: 'PATCH', body: jsonBody({ state: 'accepted' }) }), 403, 'forbidden');
    await expectError(await api.request(`/account/app-transfers/${pending.id}`, { key: carol.key, method: 'PATCH', body: jsonBody({ state: 'accepted' }) }), 404, 'not_found');
    await expectError(await api.request(`/account/app-transfers/${pending.id}`, { key: bob.key, method: 'PATCH', body: jsonBody({ state: 'maybe' }) }), 422, 'invalid_params');
    assert.equal(await owner(app), alice.email);
  });

  it('lets an admin move an app at once with PATCH /apps/:app {"owner"}, and nobody else', async () => {
    const app = (await newApp(api, alice.key)).name;
    const refused = await expectError(await api.request(`/apps/${app}`, { key: alice.key, method: 'PATCH', body: jsonBody({ owner: bob.email }) }), 403, 'forbidden');
    assert.match(refused.message, /^Only an admin can change an app's owner directly/);
    assert.equal(await owner(app), alice.email);
    const moved = await expectJson<{ owner: { email: string } }>(await api.request(`/apps/${app}`, { key: api.adminKey, method: 'PATCH', body: jsonBody({ owner: bob.email }) }), 200);
    assert.equal(moved.owner.email, bob.email);
    await expectError(await api.request(`/apps/${app}`, { key: api.adminKey, method: 'PATCH', body: jsonBody({ owner: 'nobody@example.com' }) }), 404, 'not_found');
    assert.equal(await owner(app), bob.email);
  });
});
