// Sign-up and invitation routes count attempts per client address and per email (AttemptThrottle,
// as failed logins do): over a limit the answer is 429 rate_limit with Retry-After, before
// anything is tried, and nothing is created; the window ending lets the caller in again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptThrottle } from '../../src/api/attempt-throttle.js';
import { THROTTLE_WINDOW_MS } from '../../src/api/route-throttles.js';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

const api = useApi({ overrides: { throttleLimits: { signup: { perClient: 4, perEmail: 2 }, invitation: { perClient: 4, perEmail: 2 }, 'invitation-link': { perClient: 3 } } } });
const boss = api.user('throttle-boss@example.com');

const signup = (email: string, password = 'a long enough password') => api.request('/signup', { method: 'POST', body: jsonBody({ email, password }) });
const invite = (team: string, email: string) => api.request(`/teams/${team}/invitations`, { method: 'PUT', key: boss.key, body: jsonBody({ email, role: 'member' }) });

/** A 429 with a Retry-After of whole seconds within the hour window; returns the message. */
async function expectThrottled(res: Response): Promise<string> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const { message } = await expectError(res, 429, 'rate_limit');
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= THROTTLE_WINDOW_MS / 1000, `Retry-After ${res.headers.get('retry-after')}`);
  return message;
}

/** Every test starts with fresh windows. */
const nextWindow = () => api.clock.advance(THROTTLE_WINDOW_MS);

describe('sign-up is throttled per email and per client', () => {
  it('refuses a third sign-up for one email with 429 and Retry-After, even with a valid request, and creates nothing', async () => {
    nextWindow();
    await expectJson(await api.request('/admin/settings', { key: api.adminKey, method: 'PATCH', body: jsonBody({ signup: true }) }), 200);
    await expectError(await signup('twice@example.com', 'short'), 422, 'invalid_params');
    await expectError(await signup('TWICE@example.com', 'short'), 422, 'invalid_params');
    const message = await expectThrottled(await signup('twice@example.com'));
    assert.match(message, /Too many sign-up attempts from this address or for this email\. Try again in 60 minutes\./);
    assert.equal(await api.store.accounts.findByEmail('twice@example.com'), undefined);
    await expectJson(await signup('another@example.com'), 201);
  });

  it('refuses a client after four sign-ups whatever the emails, until the hour is over', async () => {
    nextWindow();
    for (let i = 0; i < 4; i++) await expectJson(await signup(`spree-${i}@example.com`), 201);
    await expectThrottled(await signup('spree-4@example.com'));
    assert.equal(await api.store.accounts.findByEmail('spree-4@example.com'), undefined);
    nextWindow();
    await expectJson(await signup('spree-4@example.com'), 201);
  });
});

describe('invitations are throttled per invited email and per client', () => {
  it('refuses a third invitation of one email with 429, keeping the one invitation made', async () => {
    nextWindow();
    // Inviting someone without an account needs sign-up on (or an admin).
    await expectJson(await api.request('/admin/settings', { key: api.adminKey, method: 'PATCH', body: jsonBody({ signup: true }) }), 200);
    const team = `throttled-${process.pid.toString(36)}`;
    await expectJson(await api.request('/teams', { method: 'POST', key: boss.key, body: jsonBody({ name: team }) }), 201);
    await expectJson(await invite(team, 'invitee@example.com'), 201);
    await expectJson(await invite(team, 'invitee@example.com'), 201);
    const message = await expectThrottled(await invite(team, 'invitee@example.com'));
    assert.match(message, /Too many team invitations from this address or for this email/);
    const pending = await expectJson<Array<{ user: { email: string } }>>(await api.request(`/teams/${team}/invitations`, { key: boss.key }), 200);
    assert.deepEqual(pending.map((i) => i.user.email), ['invitee@example.com']);
    await expectJson(await invite(team, 'second@example.com'), 201);
    await expectJson(await invite(team, 'third@example.com'), 201);
    await expectThrottled(await invite(team, 'fourth@example.com'));
  });

  it('refuses invitation links to a client that tried three, even a valid link', async () => {
    nextWindow();
    const team = `linked-${process.pid.toString(36)}`;
    await expectJson(await api.request('/teams', { method: 'POST', key: boss.key, body: jsonBody({ name: team }) }), 201);
    const made = await expectJson<{ berth_accept_url: string }>(await invite(team, 'linked@example.com'), 201);
    const token = made.berth_accept_url.split('/').pop() as string;
    for (const guess of ['guess-1', 'guess-2', 'guess-3']) await expectError(await api.request(`/teams/invitations/${guess}`), 404, 'not_found');
    const message = await expectThrottled(await api.request(`/teams/invitations/${token}/accept`, { method: 'POST', body: jsonBody({ password: 'a long enough password' }) }));
    assert.match(message, /Too many invitation link requests from this address\. Try again/);
    assert.equal(await api.store.accounts.findByEmail('linked@example.com'), undefined);
    nextWindow();
    await expectJson(await api.request(`/teams/invitations/${token}`), 200);
  });
});

describe('AttemptThrottle', () => {
  it('counts a client and an email apart, says how many seconds are left, and forgets a window once it ends', () => {
    let now = 5_000_000;
    const throttle = new AttemptThrottle({ perClient: 3, perEmail: 1 }, 60_000, () => now);
    throttle.record('10.0.0.1', 'a@x');
    assert.equal(throttle.retryAfterSeconds('10.0.0.2', 'A@x'), 60, 'the email is over its limit from any client');
    assert.equal(throttle.retryAfterSeconds('10.0.0.1', 'b@x'), 0);
    throttle.record('10.0.0.1', 'b@x');
    throttle.record('10.0.0.1');
    now += 15_000;
    assert.equal(throttle.retryAfterSeconds('10.0.0.1', 'c@x'), 45, 'the client is over its limit for any email');
    assert.equal(throttle.retryAfterSeconds('10.0.0.1'), 45);
    now += 45_000;
    assert.equal(throttle.retryAfterSeconds('10.0.0.1', 'a@x'), 0);
  });
});
