import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DUMMY_HASH } from '../../src/accounts/accounts-service.js';
import { hashPassword, verifyPassword } from '../../src/accounts/passwords.js';
import { LOGIN_WINDOW_MS, LoginThrottle } from '../../src/api/login-throttle.js';
import { useApi } from '../support/api-harness.js';
import { basic, expectError, expectJson, jsonBody } from './helpers.js';

const api = useApi({ overrides: { loginFailureLimit: { perClient: 8, perEmail: 3 } } });

const login = (email: string, password: string) =>
  api.request('/oauth/authorizations', { method: 'POST', headers: { authorization: basic(email, password) }, body: jsonBody({ description: 'guard test' }) });

describe('login against account enumeration', () => {
  it('verifies an unknown email against a hash made with the same scrypt parameters as real ones', async () => {
    const params = (hash: string) => hash.split('$').slice(0, 4).join('$');
    const real = await hashPassword('whatever password');
    assert.equal(params(DUMMY_HASH), params(real));
    assert.equal(DUMMY_HASH.split('$')[4]?.length, real.split('$')[4]?.length, 'salt length');
    assert.equal(DUMMY_HASH.split('$')[5]?.length, real.split('$')[5]?.length, 'hash length');
    assert.equal(await verifyPassword('not it', DUMMY_HASH), false);
  });

  it('refuses an unknown email with the same 401 message as a wrong password', async () => {
    await api.createUser('enum-known@example.test');
    const wrong = await expectError(await login('enum-known@example.test', 'not the password'), 401, 'unauthorized');
    const unknown = await expectError(await login('enum-nobody@example.test', 'not the password'), 401, 'unauthorized');
    assert.equal(wrong.message, unknown.message);
  });
});

describe('failed logins are rate-limited', () => {
  it('answers 429 with Retry-After after three failures for one email, even for the right password, and other emails still log in', async () => {
    const { password } = await api.createUser('guarded@example.test');
    for (let i = 0; i < 3; i++) await expectError(await login('guarded@example.test', `wrong ${i}`), 401, 'unauthorized');
    const refused = await login('Guarded@example.test', password);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= LOGIN_WINDOW_MS / 1000, `Retry-After ${refused.headers.get('retry-after')}`);
    const limited = await expectError(refused, 429, 'rate_limit');
    assert.match(limited.message, /Too many failed logins .* Try again in \d+ minutes?/);
    const other = await api.createUser('unguarded@example.test');
    await expectJson(await login('unguarded@example.test', other.password), 201);
  });

  it('answers 429 once one client failed for many emails', async () => {
    // 8 per client: this file's earlier failures count too, so spread the rest over new emails.
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await login(`spray-${i}@example.test`, 'guess');
      if (last.status === 429) break;
      await expectError(last, 401, 'unauthorized');
    }
    assert.ok(last);
    await expectError(last.status === 429 ? last : await login('spray-final@example.test', 'guess'), 429, 'rate_limit');
  });
});

describe('LoginThrottle', () => {
  it('blocks a client or an email over its limit until the window ends', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ perClient: 2, perEmail: 5 }, () => now);
    assert.equal(throttle.blockedFor('10.0.0.1', 'a@x'), 0);
    throttle.recordFailure('10.0.0.1', 'a@x');
    throttle.recordFailure('10.0.0.1', 'b@x');
    assert.equal(throttle.blockedFor('10.0.0.1', 'c@x'), 15);
    assert.equal(throttle.blockedFor('10.0.0.2', 'a@x'), 0, 'another client for the same email is not blocked yet');
    now += LOGIN_WINDOW_MS - 61_000;
    assert.equal(throttle.blockedFor('10.0.0.1', 'c@x'), 2);
    now += 61_000;
    assert.equal(throttle.blockedFor('10.0.0.1', 'c@x'), 0);
  });

  it('counts an email case-insensitively', () => {
    const throttle = new LoginThrottle({ perClient: 100, perEmail: 1 }, () => 0);
    throttle.recordFailure('1', 'Dev@Example.test');
    assert.ok(throttle.blockedFor('2', 'dev@example.test') > 0);
  });
});
