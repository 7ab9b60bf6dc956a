import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { basic, expectError, expectJson, jsonBody } from './helpers.js';

interface AuthorizationJson {
  id: string;
  description: string;
  session: { id: string } | null;
  access_token: { token: string | null };
}

const api = useApi();

/** A login the way `heroku login -i` makes one: Basic email:password on POST /oauth/authorizations. */
async function login(email: string, password: string): Promise<AuthorizationJson> {
  const res = await api.request('/oauth/authorizations', { method: 'POST', headers: { authorization: basic(email, password) }, body: jsonBody({ description: 'Heroku CLI login from test', expires_in: 2592000 }) });
  return expectJson<AuthorizationJson>(res, 201);
}

describe('login sessions (heroku sessions, heroku logout)', () => {
  const ada = api.user('sessions-ada@example.test');
  const bob = api.user('sessions-bob@example.test');

  it('a login is a session; a key made with a key is not', async () => {
    const session = await login(ada.email, ada.password);
    assert.deepEqual(session.session, { id: session.id });
    const script = await expectJson<AuthorizationJson>(await api.request('/oauth/authorizations', { method: 'POST', key: ada.key, body: jsonBody({ description: 'CI' }) }), 201);
    assert.equal(script.session, null);
    const listed = await expectJson<Array<{ id: string; description: string }>>(await api.request('/oauth/sessions', { key: ada.key }), 200);
    assert.deepEqual(listed.map((s) => s.id), [session.id]);
  });

  it('DELETE /oauth/sessions/~ revokes the session key that calls it', async () => {
    const session = await login(ada.email, ada.password);
    const key = session.access_token.token as string;
    const deleted = await expectJson(await api.request('/oauth/sessions/~', { method: 'DELETE', key }), 200);
    assert.equal(deleted.id, session.id);
    await expectError(await api.request('/account', { key }), 401, 'unauthorized');
    assert.equal(await api.store.authorizations.findById(session.id), undefined);
  });

  it('DELETE /oauth/sessions/~ with a key made for a script is a 404 of resource session and the key keeps working', async () => {
    const res = await api.request('/oauth/sessions/~', { method: 'DELETE', key: ada.key });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 404);
    assert.equal(body.id, 'not_found');
    assert.equal(body.resource, 'session');
    await expectJson(await api.request('/account', { key: ada.key }), 200);
  });

  it("another account's session id is a 404 and stays alive", async () => {
    const bobs = await login(bob.email, bob.password);
    await expectError(await api.request(`/oauth/sessions/${bobs.id}`, { method: 'DELETE', key: ada.key }), 404, 'not_found');
    await expectJson(await api.request('/account', { key: bobs.access_token.token as string }), 200);
  });
});

describe('authorizations: ~, update and regenerate-tokens', () => {
  const cy = api.user('authz-cy@example.test');
  const dee = api.user('authz-dee@example.test');

  it('GET /oauth/authorizations/~ is the account\'s API key, not a login session', async () => {
    await login(cy.email, cy.password);
    const [apiKey] = await api.store.authorizations.listForAccount(cy.accountId);
    const tilde = await expectJson<AuthorizationJson>(await api.request('/oauth/authorizations/~', { key: cy.key }), 200);
    assert.equal(tilde.id, apiKey?.id);
    assert.equal(tilde.access_token.token, null);
  });

  it('PATCH changes the description; bad text or a client is a 422 that changes nothing', async () => {
    const [apiKey] = await api.store.authorizations.listForAccount(dee.accountId);
    const id = apiKey?.id as string;
    const patched = await expectJson<AuthorizationJson>(await api.request(`/oauth/authorizations/${id}`, { method: 'PATCH', key: dee.key, body: jsonBody({ description: 'laptop' }) }), 200);
    assert.equal(patched.description, 'laptop');
    for (const body of [{ description: '' }, { description: 'two\nlines' }, { description: 7 }, { client: { id: 'x', secret: 'y' } }]) {
      await expectError(await api.request(`/oauth/authorizations/${id}`, { method: 'PATCH', key: dee.key, body: jsonBody(body) }), 422, 'invalid_params');
    }
    assert.equal((await api.store.authorizations.findById(id))?.description, 'laptop');
    await expectError(await api.request(`/oauth/authorizations/${id}`, { method: 'PATCH', key: cy.key, body: jsonBody({ description: 'mine now' }) }), 404, 'not_found');
  });

  it("regenerate-tokens returns a new key once; another account's authorization is a 404", async () => {
    const made = await expectJson<AuthorizationJson>(await api.request('/oauth/authorizations', { method: 'POST', key: dee.key, body: jsonBody({ description: 'rotate me' }) }), 201);
    await expectError(await api.request(`/oauth/authorizations/${made.id}/actions/regenerate-tokens`, { method: 'POST', key: cy.key }), 404, 'not_found');
    await expectJson(await api.request('/account', { key: made.access_token.token as string }), 200);
    const rotated = await expectJson<AuthorizationJson>(await api.request(`/oauth/authorizations/${made.id}/actions/regenerate-tokens`, { method: 'POST', key: dee.key }), 200);
    assert.ok(rotated.access_token.token && rotated.access_token.token !== made.access_token.token);
    await expectError(await api.request('/account', { key: made.access_token.token as string }), 401, 'unauthorized');
    await expectJson(await api.request('/account', { key: rotated.access_token.token }), 200);
  });

  it('GET /oauth/clients is empty and GET /users/~ is the account', async () => {
    assert.deepEqual(await expectJson(await api.request('/oauth/clients', { key: cy.key }), 200), []);
    const me = await expectJson(await api.request('/users/~', { key: cy.key }), 200);
    assert.equal(me.email, cy.email);
    assert.deepEqual(me, await expectJson(await api.request('/account', { key: cy.key }), 200));
    await expectError(await api.request(`/users/${dee.email}`, { key: cy.key }), 404, 'not_found');
    assert.equal((await expectJson(await api.request(`/users/${dee.email}`, { key: api.adminKey }), 200)).email, dee.email);
  });
});
