import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

interface DomainJson { hostname: string; kind: string; acm_status: string | null; acm_status_reason: string | null }

describe('ACM on a Berth with automatic certificates', () => {
  /** The certificate manager's port: the API only asks it to look again. */
  let kicks = 0;
  const api = useApi({ overrides: { acm: { kick: () => void kicks++ } } });
  const dev = api.user('acm@example.com');
  const other = api.user('acm-other@example.com');

  it('has ACM on for a new app; DELETE turns it off and POST back on, each asking the manager to look again', async () => {
    const app = await newApp(api, dev.key, 'acm-toggle');
    assert.equal((await expectJson<{ acm: boolean }>(await api.request(`/apps/${app.name}`, { key: dev.key }), 200)).acm, true);
    const before = kicks;
    const off = await expectJson<{ acm: boolean; name: string }>(await api.request(`/apps/${app.name}/acm`, { key: dev.key, method: 'DELETE' }), 200);
    assert.deepEqual([off.name, off.acm], [app.name, false]);
    assert.equal((await api.store.appFeatures.find(app.id, 'acm'))?.enabled, false);
    const on = await expectJson<{ acm: boolean }>(await api.request(`/apps/${app.name}/acm`, { key: dev.key, method: 'POST', body: jsonBody({}) }), 200);
    assert.equal(on.acm, true);
    assert.equal(kicks, before + 2);
  });

  it('shows each hostname’s automatic certificate as acm_status and acm_status_reason, Heroku’s words', async () => {
    const app = await newApp(api, dev.key, 'acm-status');
    await expectJson(await api.request(`/apps/${app.name}/domains`, { key: dev.key, method: 'POST', body: jsonBody({ hostname: 'www.acm-status.example' }) }), 201);
    const base = { appId: app.id, certificate: null, privateKey: null, expiresAt: null, failures: 1, nextAttemptAt: new Date().toISOString() };
    await api.store.acmeCertificates.save({ ...base, hostname: 'www.acm-status.example', status: 'failing', reason: 'skipped: DNS has no A or AAAA record for www.acm-status.example' });
    const list = await expectJson<DomainJson[]>(await api.request(`/apps/${app.name}/domains`, { key: dev.key }), 200);
    const custom = list.find((d) => d.kind === 'custom');
    assert.deepEqual([custom?.acm_status, custom?.acm_status_reason], ['failing', 'skipped: DNS has no A or AAAA record for www.acm-status.example']);
    const byName = await expectJson<DomainJson>(await api.request(`/apps/${app.name}/domains/www.acm-status.example`, { key: dev.key }), 200);
    assert.equal(byName.acm_status, 'failing');
    assert.equal(list.find((d) => d.kind === 'heroku')?.acm_status, null, 'no row yet: Waiting');
  });

  it('refresh puts failing hostnames back to pending, due now; a body without acm_refresh true is refused', async () => {
    const app = await newApp(api, dev.key, 'acm-refresh');
    const hostname = 'acm-refresh.example.com';
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await api.store.acmeCertificates.save({ hostname, appId: app.id, status: 'failing', reason: 'the ACME server could not be reached (ECONNREFUSED)', certificate: null, privateKey: null, expiresAt: null, failures: 3, nextAttemptAt: later });
    const bad = await expectError(await api.request(`/apps/${app.name}/acm`, { key: dev.key, method: 'PATCH', body: jsonBody({}) }), 422, 'invalid_params');
    assert.match(bad.message, /acm_refresh must be true/);
    assert.equal((await api.store.acmeCertificates.find(hostname))?.nextAttemptAt, later, 'nothing changed');
    await expectJson(await api.request(`/apps/${app.name}/acm`, { key: dev.key, method: 'PATCH', body: jsonBody({ acm_refresh: true }) }), 200);
    const row = await api.store.acmeCertificates.find(hostname);
    assert.equal(row?.status, 'pending');
    assert.ok((row?.nextAttemptAt ?? later) < later);
  });

  it('hides another user’s app behind the same 404 as a missing one', async () => {
    const app = await newApp(api, dev.key, 'acm-private');
    await expectError(await api.request(`/apps/${app.name}/acm`, { key: other.key, method: 'DELETE' }), 404, 'not_found');
    assert.equal(await api.store.appFeatures.find(app.id, 'acm'), undefined);
  });
});

describe('ACM on a Berth without automatic certificates', () => {
  const api = useApi();
  const dev = api.user('acm-off@example.com');

  it('shows acm false and no statuses, and refuses to enable it with acm_unavailable, changing nothing', async () => {
    const app = await newApp(api, dev.key, 'acm-off');
    assert.equal((await expectJson<{ acm: boolean }>(await api.request(`/apps/${app.name}`, { key: dev.key }), 200)).acm, false);
    const refused = await expectError(await api.request(`/apps/${app.name}/acm`, { key: dev.key, method: 'POST', body: jsonBody({}) }), 422, 'acm_unavailable');
    assert.match(refused.message, /Automatic certificates are off on this Berth.*berth certs:add/);
    assert.equal(await api.store.appFeatures.find(app.id, 'acm'), undefined);
    const domains = await expectJson<DomainJson[]>(await api.request(`/apps/${app.name}/domains`, { key: dev.key }), 200);
    assert.deepEqual(domains.map((d) => d.acm_status), [null]);
  });
});
