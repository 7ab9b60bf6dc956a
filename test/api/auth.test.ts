import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { basic, bearer, expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface AuthorizationJson {
  id: string;
  description: string;
  access_token: { token: string | null; id: string; expires_in: number | null };
  user: { email: string; id: string };
}

const api = useApi();

/** POST /oauth/authorizations the way `heroku login -i` does. */
const login = (email: string, password: string, body: Record<string, unknown> = { description: 'Heroku CLI login from test', expires_in: 2592000, scope: ['global'] }) =>
  api.request('/oauth/authorizations', { method: 'POST', headers: { authorization: basic(email, password) }, body: jsonBody(body) });

describe('API key authentication', () => {
  it('answers a request with no Authorization header with 401 unauthorized', async () => {
    await expectError(await api.request('/account'), 401, 'unauthorized');
  });

  it('answers a wrong key with 401 unauthorized', async () => {
    await expectError(await api.request('/account', { key: 'berth_not-a-real-key' }), 401, 'unauthorized');
    await expectError(await api.request('/account', { headers: { authorization: 'Bearer ' } }), 401, 'unauthorized');
    await expectError(await api.request('/account', { headers: { authorization: 'Token abc' } }), 401, 'unauthorized');
  });

  it('accepts the key as a Bearer token', async () => {
    const { key } = await api.createUser('bearer@example.test');
    const account = await expectJson(await api.request('/account', { headers: { authorization: bearer(key) } }), 200);
    assert.equal(account.email, 'bearer@example.test');
  });

  it('accepts Basic auth with any username and the key as password', async () => {
    const { key } = await api.createUser('basic@example.test');
    for (const user of ['', 'anything', 'basic@example.test', 'someone-else@example.test']) {
      const account = await expectJson(await api.request('/account', { headers: { authorization: basic(user, key) } }), 200);
      assert.equal(account.email, 'basic@example.test', `username ${JSON.stringify(user)}`);
    }
  });

  it('does not accept email:password on ordinary routes', async () => {
    const { password } = await api.createUser('not-a-key@example.test');
    await expectError(await api.request('/account', { headers: { authorization: basic('not-a-key@example.test', password) } }), 401, 'unauthorized');
  });
});

describe('POST /oauth/authorizations (heroku login -i)', () => {
  it('issues a key for Basic email:password that then works as a Bearer key', async () => {
    const { accountId, password } = await api.createUser('login@example.test');
    const created = await expectJson<AuthorizationJson>(await login('login@example.test', password), 201);
    assert.match(created.id, UUID);
    assert.equal(created.user.email, 'login@example.test');
    assert.equal(created.user.id, accountId);
    assert.equal(created.description, 'Heroku CLI login from test');
    const token = created.access_token.token;
    assert.ok(typeof token === 'string' && token.length > 20);
    const account = await expectJson(await api.request('/account', { key: token }), 200);
    assert.equal(account.email, 'login@example.test');
  });

  it('matches the email case-insensitively', async () => {
    const { password } = await api.createUser('mixedcase@example.test');
    await expectJson(await login('MixedCase@Example.test', password), 201);
  });

  it('answers a wrong password with 401 and the same message as an unknown email', async () => {
    await api.createUser('wrongpw@example.test');
    const wrong = await expectError(await login('wrongpw@example.test', 'not the password'), 401, 'unauthorized');
    const unknown = await expectError(await login('nobody-here@example.test', 'not the password'), 401, 'unauthorized');
    assert.equal(wrong.message, unknown.message);
  });

  it('refuses a negative expires_in with 422 invalid_params', async () => {
    const { password } = await api.createUser('neg-expiry@example.test');
    const body = await expectError(await login('neg-expiry@example.test', password, { expires_in: -5 }), 422, 'invalid_params');
    assert.match(body.message, /expires_in/);
    await expectError(await login('neg-expiry@example.test', password, { expires_in: 'soon' }), 422, 'invalid_params');
  });

  it('issues a key that stops working once it expires', async () => {
    const { password } = await api.createUser('expiring@example.test');
    const created = await expectJson<AuthorizationJson>(await login('expiring@example.test', password, { expires_in: 1 }), 201);
    assert.equal(typeof created.access_token.expires_in, 'number');
    api.clock.advance(1_500);
    await expectError(await api.request('/account', { key: created.access_token.token as string }), 401, 'unauthorized');
  });
});

describe('Managing authorizations', () => {
  it('lists the caller\'s keys without their tokens, and nobody else\'s', async () => {
    const { key, password } = await api.createUser('lister@example.test');
    const other = await api.createUser('other-lister@example.test');
    const created = await expectJson<AuthorizationJson>(await login('lister@example.test', password), 201);
    const list = await expectJson<AuthorizationJson[]>(await api.request('/oauth/authorizations', { key }), 200);
    assert.equal(list.length, 2);
    assert.ok(list.some((a) => a.id === created.id));
    for (const authorization of list) {
      assert.equal(authorization.access_token.token, null);
      assert.equal(authorization.user.email, 'lister@example.test');
    }
    const othersList = await expectJson<AuthorizationJson[]>(await api.request('/oauth/authorizations', { key: other.key }), 200);
    assert.ok(!othersList.some((a) => a.id === created.id));
  });

  it('shows one authorization by id without its token', async () => {
    const { key, password } = await api.createUser('shower@example.test');
    const created = await expectJson<AuthorizationJson>(await login('shower@example.test', password), 201);
    const shown = await expectJson<AuthorizationJson>(await api.request(`/oauth/authorizations/${created.id}`, { key }), 200);
    assert.equal(shown.id, created.id);
    assert.equal(shown.description, created.description);
    assert.equal(shown.access_token.token, null);
  });

  it('revokes a key with DELETE, after which the key is 401 and the id 404', async () => {
    const { key, password } = await api.createUser('revoker@example.test');
    const created = await expectJson<AuthorizationJson>(await login('revoker@example.test', password), 201);
    const token = created.access_token.token as string;
    await expectJson(await api.request('/account', { key: token }), 200);
    const deleted = await expectJson<AuthorizationJson>(await api.request(`/oauth/authorizations/${created.id}`, { key, method: 'DELETE' }), 200);
    assert.equal(deleted.id, created.id);
    assert.equal(deleted.access_token.token, null);
    await expectError(await api.request('/account', { key: token }), 401, 'unauthorized');
    await expectError(await api.request(`/oauth/authorizations/${created.id}`, { key }), 404, 'not_found');
    // The key that did the revoking still works.
    await expectJson(await api.request('/account', { key }), 200);
  });

  it('answers another user\'s authorization id with 404 for GET and DELETE, and leaves it working', async () => {
    const owner = await api.createUser('auth-owner@example.test');
    const intruder = await api.createUser('auth-intruder@example.test');
    const created = await expectJson<AuthorizationJson>(await login('auth-owner@example.test', owner.password), 201);
    await expectError(await api.request(`/oauth/authorizations/${created.id}`, { key: intruder.key }), 404, 'not_found');
    await expectError(await api.request(`/oauth/authorizations/${created.id}`, { key: intruder.key, method: 'DELETE' }), 404, 'not_found');
    await expectJson(await api.request('/account', { key: created.access_token.token as string }), 200);
  });
});

describe('GET and PATCH /account', () => {
  it('returns the caller\'s email, id and name', async () => {
    const { key, accountId } = await api.createUser('whoami@example.test');
    const account = await expectJson(await api.request('/account', { key }), 200);
    assert.equal(account.email, 'whoami@example.test');
    assert.equal(account.id, accountId);
    assert.ok('name' in account);
  });

  it('changes the name', async () => {
    const { key } = await api.createUser('renamer@example.test');
    const patched = await expectJson(await api.request('/account', { key, method: 'PATCH', body: jsonBody({ name: 'Ren Amer' }) }), 200);
    assert.equal(patched.name, 'Ren Amer');
    assert.equal((await expectJson(await api.request('/account', { key }), 200)).name, 'Ren Amer');
  });

  it('refuses a password change with the wrong current_password (422) and keeps the old password', async () => {
    const { key, password } = await api.createUser('pw-wrong@example.test');
    const body = await expectError(
      await api.request('/account', { key, method: 'PATCH', body: jsonBody({ current_password: 'definitely wrong', password: 'a brand new password' }) }),
      422,
      'invalid_params',
    );
    assert.match(body.message, /current_password/);
    await expectJson(await login('pw-wrong@example.test', password), 201);
    await expectError(await login('pw-wrong@example.test', 'a brand new password'), 401, 'unauthorized');
  });

  it('changes the password with the right current_password: the new one logs in, the old one does not', async () => {
    const { key, password } = await api.createUser('pw-right@example.test');
    await expectJson(await api.request('/account', { key, method: 'PATCH', body: jsonBody({ current_password: password, password: 'a brand new password' }) }), 200);
    await expectJson(await login('pw-right@example.test', 'a brand new password'), 201);
    await expectError(await login('pw-right@example.test', password), 401, 'unauthorized');
    // Existing API keys survive a password change.
    await expectJson(await api.request('/account', { key }), 200);
  });

  it('refuses a too-short new password with 422', async () => {
    const { key, password } = await api.createUser('pw-short@example.test');
    const body = await expectError(
      await api.request('/account', { key, method: 'PATCH', body: jsonBody({ current_password: password, password: 'short' }) }),
      422,
      'invalid_params',
    );
    assert.match(body.message, /too short/);
    await expectJson(await login('pw-short@example.test', password), 201);
  });
});

describe('POST /accounts (admin only)', () => {
  it('lets the admin create an account and shows a generated password once, which logs in', async () => {
    const created = await expectJson(
      await api.request('/accounts', { key: api.adminKey, method: 'POST', body: jsonBody({ email: 'newbie@example.test', name: 'New Bie' }) }),
      201,
    );
    assert.equal(created.email, 'newbie@example.test');
    assert.equal(created.name, 'New Bie');
    assert.match(String(created.id), UUID);
    const password = created.password;
    assert.ok(typeof password === 'string' && password.length >= 8);
    const authorization = await expectJson<AuthorizationJson>(await login('newbie@example.test', password), 201);
    const account = await expectJson(await api.request('/account', { key: authorization.access_token.token as string }), 200);
    assert.equal(account.id, created.id);
    assert.ok(!('password' in account));
  });

  it('refuses a non-admin with 403 forbidden', async () => {
    const { key } = await api.createUser('wannabe-admin@example.test');
    await expectError(await api.request('/accounts', { key, method: 'POST', body: jsonBody({ email: 'sneaky@example.test' }) }), 403, 'forbidden');
    await expectError(await login('sneaky@example.test', 'whatever-password'), 401, 'unauthorized');
  });

  it('refuses a duplicate email, whatever its case, with 409 conflict', async () => {
    await api.createUser('dup@example.test');
    for (const email of ['dup@example.test', 'DUP@Example.test']) {
      await expectError(await api.request('/accounts', { key: api.adminKey, method: 'POST', body: jsonBody({ email }) }), 409, 'conflict');
    }
  });

  it('refuses a malformed or missing email with 422 invalid_params', async () => {
    for (const body of [{ email: 'not-an-email' }, { email: 'two@at@signs' }, { email: '' }, {}, { email: 42 }]) {
      await expectError(await api.request('/accounts', { key: api.adminKey, method: 'POST', body: jsonBody(body) }), 422, 'invalid_params');
    }
  });
});
