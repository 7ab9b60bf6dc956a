// Self-service sign-up: off by default (403, nothing created); an admin turns it on, then anyone
// creates an account and logs in; only admins read or change the setting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

const api = useApi();
const dev = api.user('signup-dev@example.com');

const signup = (email: string) => api.request('/signup', { method: 'POST', body: jsonBody({ email, password: 'a long enough password' }) });

describe('self-service sign-up', () => {
  it('is off by default: a sign-up is refused with 403 naming the ways in, and no account is made', async () => {
    assert.deepEqual(await expectJson(await api.request('/admin/settings', { key: api.adminKey }), 200), { signup: false });
    const refused = await expectError(await signup('early@example.com'), 403, 'forbidden');
    assert.match(refused.message, /Self-service sign-up is off on this Berth/);
    assert.equal(await api.store.accounts.findByEmail('early@example.com'), undefined);
  });

  it('once an admin allows it, anyone signs up and logs in; a taken email is a conflict', async () => {
    await expectError(await api.request('/admin/settings', { key: dev.key, method: 'PATCH', body: jsonBody({ signup: true }) }), 403, 'forbidden');
    await expectError(await api.request('/admin/settings', { key: api.adminKey, method: 'PATCH', body: jsonBody({ signup: 'yes' }) }), 422, 'invalid_params');
    assert.deepEqual(await expectJson(await api.request('/admin/settings', { key: api.adminKey, method: 'PATCH', body: jsonBody({ signup: true }) }), 200), { signup: true });
    const account = await expectJson<{ email: string; berth_admin: boolean }>(await signup('newcomer@example.com'), 201);
    assert.deepEqual([account.email, account.berth_admin], ['newcomer@example.com', false]);
    const login = await api.request('/oauth/authorizations', { method: 'POST', headers: { authorization: `Basic ${Buffer.from('newcomer@example.com:a long enough password').toString('base64')}` }, body: jsonBody({}) });
    assert.equal(login.status, 201);
    await expectError(await signup('newcomer@example.com'), 409, 'conflict');
    await expectJson(await api.request('/admin/settings', { key: api.adminKey, method: 'PATCH', body: jsonBody({ signup: false }) }), 200);
    await expectError(await signup('late@example.com'), 403, 'forbidden');
  });
});
