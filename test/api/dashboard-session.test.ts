// The dashboard's login over real HTTP: the session cookie, its CSRF token, cross-site refusals,
// idle and absolute expiry, logout, and the cookie acting as a key of its account on every route.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApiHandler } from '../../src/api/server.js';
import { useApi } from '../support/api-harness.js';
import { rsaSelfSigned } from '../support/test-certificates.js';
import { APP_FILES, newApp, putBlob, tarball } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, rawRequest, uniqueName } from './helpers.js';

const api = useApi({ overrides: { loginFailureLimit: { perClient: 1000, perEmail: 3 }, sessionLimits: { idleMs: 2 * 3_600_000, absoluteMs: 5 * 3_600_000 } } });
const ada = api.user('ada@dash.test');
const bob = api.user('bob@dash.test');

interface SessionJson {
  email: string;
  id: string;
  csrf_token: string;
  idle_expires_in: number;
}

const login = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api.request('/dashboard/session', { method: 'POST', body: jsonBody(body), headers });

/** Logs in and returns the cookie (`berth_session=…`) and the session body. */
async function session(body: Record<string, unknown> = { email: ada.email, password: ada.password }): Promise<{ cookie: string; csrf: string; body: SessionJson; setCookie: string }> {
  const res = await login(body);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const json = await expectJson<SessionJson>(res, 201);
  const cookie = /^(berth_session=[^;]+)/.exec(setCookie)?.[1];
  assert.ok(cookie, `a berth_session cookie in ${setCookie}`);
  return { cookie, csrf: json.csrf_token, body: json, setCookie };
}

/** A request the browser would make from the dashboard: the cookie, and what else is given. */
const asBrowser = (path: string, cookie: string, init: RequestInit = {}) => api.request(path, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });

describe('dashboard login', () => {
  it('logs in with email and password: 201 with who, the CSRF token and the idle expiry, and an HttpOnly SameSite=Strict cookie', async () => {
    const { body, setCookie, cookie } = await session();
    assert.deepEqual(Object.keys(body).sort(), ['csrf_token', 'email', 'id', 'idle_expires_in']);
    assert.equal(body.email, ada.email);
    assert.equal(body.id, ada.accountId);
    assert.ok(body.idle_expires_in > 7000 && body.idle_expires_in <= 7200, `idle_expires_in ${body.idle_expires_in}`);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\//);
    assert.doesNotMatch(setCookie, /Secure/, 'not over plain HTTP');
    const again = await expectJson<SessionJson>(await asBrowser('/dashboard/session', cookie), 200);
    assert.deepEqual({ ...again, idle_expires_in: 0 }, { ...body, idle_expires_in: 0 }, 'GET answers the same session, token not rotated');
    assert.equal((await expectJson<{ email: string }>(await asBrowser('/account', cookie), 200)).email, ada.email);
  });

  it('logs in with an API key, and the session ends when that key is revoked', async () => {
    const made = await expectJson<{ id: string; access_token: { token: string } }>(await api.request('/oauth/authorizations', { method: 'POST', key: ada.key, body: jsonBody({ description: 'for the dashboard' }) }), 201);
    const { cookie, body } = await session({ api_key: made.access_token.token });
    assert.equal(body.email, ada.email);
    await expectJson(await asBrowser('/apps', cookie), 200);
    await expectJson(await api.request(`/oauth/authorizations/${made.id}`, { method: 'DELETE', key: ada.key }), 200);
    const gone = await asBrowser('/apps', cookie);
    assert.match(gone.headers.get('set-cookie') ?? '', /^berth_session=; .*Max-Age=0/, 'the dead cookie is cleared');
    await expectError(gone, 401, 'unauthorized');
    await expectError(await login({ api_key: 'berth_not-a-key' }), 401, 'unauthorized');
  });

  it('ends a session opened with an API key when that key is regenerated', async () => {
    const made = await expectJson<{ id: string; access_token: { token: string } }>(await api.request('/oauth/authorizations', { method: 'POST', key: ada.key, body: jsonBody({ description: 'to regenerate' }) }), 201);
    const { cookie } = await session({ api_key: made.access_token.token });
    await expectJson(await api.request(`/oauth/authorizations/${made.id}/actions/regenerate-tokens`, { method: 'POST', key: ada.key }), 200);
    await expectError(await asBrowser('/account', cookie), 401, 'unauthorized');
  });

  it('answers a wrong password and an unknown email with the same 401, then 429 with Retry-After, even for the right password', async () => {
    const carol = await api.createUser('carol@dash.test');
    const wrong = await expectError(await login({ email: 'carol@dash.test', password: 'not it at all' }), 401, 'unauthorized');
    const unknown = await expectError(await login({ email: 'nobody@dash.test', password: 'not it at all' }), 401, 'unauthorized');
    assert.equal(wrong.message, unknown.message);
    await expectError(await login({ email: 'carol@dash.test', password: 'still wrong' }), 401, 'unauthorized');
    await expectError(await login({ email: 'carol@dash.test', password: 'wrong again' }), 401, 'unauthorized');
    const limited = await login({ email: 'Carol@dash.test', password: carol.password });
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    await expectError(limited, 429, 'rate_limit');
    assert.equal(limited.headers.get('set-cookie'), null);
  });

  it('refuses a body with neither credentials nor both kinds, and a login posted from another site', async () => {
    await expectError(await login({}), 422, 'invalid_params');
    await expectError(await login({ email: ada.email, password: ada.password, api_key: ada.key }), 422, 'invalid_params');
    await expectError(await login({ email: ada.email, password: ada.password }, { origin: 'https://evil.example' }), 403, 'cross_site_request');
  });
});

describe('the session cookie', () => {
  it('is refused when forged, and then cleared', async () => {
    const forged = await asBrowser('/account', 'berth_session=bs_forgedforgedforgedforgedforgedforgedforged');
    assert.match(forged.headers.get('set-cookie') ?? '', /^berth_session=; /);
    await expectError(forged, 401, 'unauthorized');
  });

  it('ends after the idle time without use; each use slides it, but not past the absolute expiry', async () => {
    const idle = await session();
    const used = await session();
    api.clock.advance(90 * 60_000);
    await expectJson(await asBrowser('/account', used.cookie), 200);
    api.clock.advance(60 * 60_000);
    await expectError(await asBrowser('/account', idle.cookie), 401, 'unauthorized');
    const slid = await expectJson<SessionJson>(await asBrowser('/dashboard/session', used.cookie), 200);
    assert.ok(slid.idle_expires_in > 3600, `the use 60 minutes ago slid the idle expiry: ${slid.idle_expires_in}`);
    for (let hour = 0; hour < 2; hour++) {
      api.clock.advance(60 * 60_000);
      await expectJson(await asBrowser('/account', used.cookie), 200);
    }
    api.clock.advance(60 * 60_000);
    await expectError(await asBrowser('/account', used.cookie), 401, 'unauthorized');
  });

  it('needs the X-CSRF-Token for a change: without it or with another one nothing changes (403)', async () => {
    const { cookie, csrf } = await session();
    const other = await session({ email: bob.email, password: bob.password });
    const name = uniqueName('csrf');
    const create = (headers: Record<string, string>) => asBrowser('/apps', cookie, { method: 'POST', body: jsonBody({ name }), headers });
    await expectError(await create({}), 403, 'csrf_token_invalid');
    await expectError(await create({ 'x-csrf-token': other.csrf }), 403, 'csrf_token_invalid');
    await expectError(await api.request(`/apps/${name}`, { key: ada.key }), 404, 'not_found');
    await expectJson(await create({ 'x-csrf-token': csrf }), 201);
  });

  it('is refused from another site (Origin or Sec-Fetch-Site), even with the right CSRF token', async () => {
    const { cookie, csrf } = await session();
    const name = uniqueName('xsite');
    const post = (headers: Record<string, string>) => asBrowser('/apps', cookie, { method: 'POST', body: jsonBody({ name }), headers: { 'x-csrf-token': csrf, ...headers } });
    await expectError(await post({ origin: 'http://evil.example' }), 403, 'cross_site_request');
    await expectError(await post({ origin: 'null' }), 403, 'cross_site_request');
    await expectError(await post({ 'sec-fetch-site': 'cross-site' }), 403, 'cross_site_request');
    await expectError(await post({ 'sec-fetch-site': 'same-site' }), 403, 'cross_site_request');
    await expectError(await asBrowser('/account', cookie, { headers: { 'sec-fetch-site': 'cross-site' } }), 403, 'cross_site_request');
    await expectError(await api.request(`/apps/${name}`, { key: ada.key }), 404, 'not_found');
    await expectJson(await post({ origin: api.url, 'sec-fetch-site': 'same-origin' }), 201);
  });

  it("gives another user's app the same 404 as a missing one", async () => {
    const app = await expectJson<{ name: string }>(await api.request('/apps', { method: 'POST', key: bob.key, body: jsonBody({ name: uniqueName('bobs') }) }), 201);
    const { cookie } = await session();
    const ghost = uniqueName('ghost');
    const denied = await expectError(await asBrowser(`/apps/${app.name}`, cookie), 404, 'not_found');
    const missing = await expectError(await asBrowser(`/apps/${ghost}`, cookie), 404, 'not_found');
    assert.equal(denied.message.replace(app.name, '<APP>'), missing.message.replace(ghost, '<APP>'));
  });

  it('logs out: 204, the cookie cleared and the session revoked on the server', async () => {
    const { cookie, csrf } = await session();
    await expectError(await asBrowser('/dashboard/session', cookie, { method: 'DELETE' }), 403, 'csrf_token_invalid');
    const out = await asBrowser('/dashboard/session', cookie, { method: 'DELETE', headers: { 'x-csrf-token': csrf } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^berth_session=; .*Max-Age=0/);
    await expectError(await asBrowser('/account', cookie), 401, 'unauthorized');
    await expectError(await api.request('/dashboard/session', { key: ada.key }), 401, 'unauthorized');
  });

  it("ends the account's other dashboard logins when the password changes, keeping the one that changed it", async () => {
    const dora = await api.createUser('dora@dash.test');
    const here = await session({ email: 'dora@dash.test', password: dora.password });
    const elsewhere = await session({ email: 'dora@dash.test', password: dora.password });
    const patch = { current_password: dora.password, password: 'a brand new passphrase' };
    await expectJson(await asBrowser('/account', here.cookie, { method: 'PATCH', body: jsonBody(patch), headers: { 'x-csrf-token': here.csrf } }), 200);
    await expectJson(await asBrowser('/account', here.cookie), 200);
    await expectError(await asBrowser('/account', elsewhere.cookie), 401, 'unauthorized');
  });

  it('leaves Bearer keys as they were: the key wins over a cookie and needs no CSRF token', async () => {
    const name = uniqueName('bearer');
    const res = await api.request('/apps', { method: 'POST', key: ada.key, body: jsonBody({ name }), headers: { cookie: 'berth_session=bs_forged', origin: 'http://evil.example' } });
    await expectJson(res, 201);
    assert.equal(res.headers.get('set-cookie'), null);
  });

  it("hands the dashboard log-session and build-output URLs on the page's own origin, readable there without the cookie", async () => {
    const { cookie, csrf } = await session();
    const app = await newApp(api, ada.key, 'tail');
    api.channels.append(app.id, { source: 'app', process: 'web.1', message: 'line for the browser' });
    const source = await expectJson<{ source_blob: { get_url: string; put_url: string } }>(await api.request('/sources', { key: ada.key, method: 'POST' }), 201);
    await putBlob(source.source_blob.put_url, await tarball(APP_FILES));
    const build = await expectJson<{ id: string }>(await api.request(`/apps/${app.name}/builds`, { key: ada.key, method: 'POST', body: jsonBody({ source_blob: { url: source.source_blob.get_url } }) }), 201);
    // The page was opened as http://dashboard.localhost:PORT/ (another name for this server).
    const page = `http://dashboard.localhost:${new URL(api.url).port}`;
    const fromPage = (method: string, path: string, body?: unknown) =>
      rawRequest(api.url, path, { method, headers: { host: new URL(page).host, cookie, origin: page, 'x-csrf-token': csrf, 'content-type': 'application/json' }, ...(body ? { body: [Buffer.from(jsonBody(body))], contentLength: true } : {}) });
    const made = await fromPage('POST', `/apps/${app.name}/log-sessions`, { tail: false });
    assert.equal(made.status, 201, made.text);
    const logplex = new URL((JSON.parse(made.text) as { logplex_url: string }).logplex_url);
    assert.equal(logplex.origin, page);
    const stream = await fetch(`${api.url}${logplex.pathname}`);
    assert.equal(stream.status, 200);
    assert.match(await stream.text(), /line for the browser/);
    const got = await fromPage('GET', `/apps/${app.name}/builds/${build.id}`);
    assert.equal(new URL((JSON.parse(got.text) as { output_stream_url: string }).output_stream_url).origin, page);
    const byKey = await expectJson<{ output_stream_url: string }>(await api.request(`/apps/${app.name}/builds/${build.id}`, { key: ada.key }), 200);
    assert.equal(new URL(byKey.output_stream_url).origin, api.url, 'a key keeps the API URL');
  });
});

describe('the session cookie over HTTPS', () => {
  it('is Secure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-dash-tls-'));
    const pair = await rsaSelfSigned(dir, 'localhost');
    const server = createServer({ cert: pair.cert, key: pair.key }, createApiHandler(api.deps));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const { request } = await import('node:https');
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/dashboard/session', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(String(res.headers['set-cookie'] ?? ''));
        });
        req.on('error', reject);
        req.end(jsonBody({ email: ada.email, password: ada.password }));
      });
      assert.match(setCookie, /^berth_session=bs_[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
