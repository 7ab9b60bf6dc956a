import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface DomainJson {
  id: string;
  hostname: string;
  kind: string;
  cname: string | null;
  status: string;
  acm_status: null;
  sni_endpoint: { id: string; name: string } | null;
  app: { id: string; name: string };
}

const api = useApi();
const dev = api.user('domains-dev@example.com');
const other = api.user('domains-other@example.com');
let ca: ThrowawayCa;
before(async () => {
  ca = await throwawayCa();
});
after(async () => {
  await ca.remove();
});

const add = (app: string, body: unknown, key = dev.key) => api.request(`/apps/${app}/domains`, { key, method: 'POST', body: jsonBody(body) });
const list = (app: string, range?: string) => api.request(`/apps/${app}/domains`, { key: dev.key, ...(range ? { headers: { range } } : {}) });
const one = (app: string, domain: string, init: RequestInit = {}) => api.request(`/apps/${app}/domains/${encodeURIComponent(domain)}`, { key: dev.key, ...init });
/** A random label, so hostnames never collide between tests (they are unique across apps). */
const label = () => `h${Math.random().toString(36).slice(2, 9)}`;

describe('GET /apps/:app/domains', () => {
  it("lists the app's default <app>.<domain> as kind heroku, honouring the official CLI's Range", async () => {
    const app = await newApp(api, dev.key, 'dom');
    const res = await list(app.name, 'id ..; max=1000;');
    const body = await expectJson<DomainJson[]>(res, 200);
    assert.equal(body.length, 1);
    const [heroku] = body as [DomainJson];
    assert.equal(heroku.hostname, `${app.name}.example.test`);
    assert.equal(heroku.kind, 'heroku');
    assert.equal(heroku.cname, null);
    assert.match(heroku.id, UUID);
    assert.deepEqual(heroku.app, { id: app.id, name: app.name });
    assert.deepEqual(await expectJson(await one(app.name, heroku.id), 200), heroku);
    assert.deepEqual(await expectJson(await one(app.name, heroku.hostname.toUpperCase()), 200), heroku);
  });

  it('pages through default and custom domains with Next-Range, by id or by hostname', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const base = `${label()}.example.org`;
    for (const sub of ['a', 'b', 'c']) await expectJson(await add(app.name, { hostname: `${sub}.${base}`, sni_endpoint: null }), 201);
    for (const field of ['id', 'hostname'] as const) {
      const seen: string[] = [];
      let range: string | undefined = `${field} ..; max=1`;
      for (let page = 0; range !== undefined && page < 10; page++) {
        const res = await list(app.name, range);
        const body = await expectJson<DomainJson[]>(res, res.status === 206 ? 206 : 200);
        assert.equal(body.length, 1);
        seen.push(...body.map((d) => d[field]));
        range = res.status === 206 ? (res.headers.get('next-range') ?? undefined) : undefined;
      }
      assert.equal(seen.length, 4, `${field}: ${seen.join(' ')}`);
      assert.deepEqual(seen, [...seen].sort(), 'in ascending order');
    }
    const desc = await expectJson<DomainJson[]>(await list(app.name, 'hostname ..; order=desc'), 200);
    const hostnames = [`a.${base}`, `b.${base}`, `c.${base}`, `${app.name}.example.test`];
    assert.deepEqual(desc.map((d) => d.hostname), hostnames.sort().reverse());
  });

  it("answers 404 for another user's app, exactly as for a missing one", async () => {
    const app = await newApp(api, dev.key, 'dom');
    await expectError(await api.request(`/apps/${app.name}/domains`, { key: other.key }), 404, 'not_found');
    await expectError(await add(app.name, { hostname: `${label()}.example.org` }, other.key), 404, 'not_found');
  });
});

describe('POST /apps/:app/domains', () => {
  it('adds a custom domain in lower case with the CNAME target <app>.<domain>, status none, and tells the router', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const hostname = `WWW.${label()}.Example.ORG`;
    const created = await expectJson<Record<string, unknown>>(await add(app.name, { hostname, sni_endpoint: null }), 201);
    assert.deepEqual(Object.keys(created).sort(), ['acm_status', 'acm_status_reason', 'app', 'cname', 'created_at', 'hostname', 'id', 'kind', 'sni_endpoint', 'status', 'updated_at']);
    assert.equal(created.hostname, hostname.toLowerCase());
    assert.equal(created.kind, 'custom');
    assert.equal(created.cname, `${app.name}.example.test`);
    assert.equal(created.status, 'none');
    assert.equal(created.acm_status, null);
    assert.equal(created.sni_endpoint, null);
    assert.deepEqual(created.app, { id: app.id, name: app.name });
    assert.ok(api.platform.of('appChanged', app.id).length >= 1, 'the platform heard of the change');
    const listed = await expectJson<DomainJson[]>(await list(app.name), 200);
    assert.deepEqual(listed.filter((d) => d.kind === 'custom').map((d) => d.hostname), [hostname.toLowerCase()]);
    assert.equal((await expectJson<DomainJson>(await one(app.name, hostname), 200)).id, created.id);
    assert.equal((await expectJson<DomainJson>(await one(app.name, created.id as string), 200)).hostname, hostname.toLowerCase());
  });

  it('adds a wildcard domain, found again by its *. hostname', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const hostname = `*.${label()}.example.org`;
    const created = await expectJson<DomainJson>(await add(app.name, { hostname }), 201);
    assert.equal(created.hostname, hostname);
    assert.equal((await expectJson<DomainJson>(await one(app.name, hostname), 200)).id, created.id);
  });

  it('refuses hostnames that are not DNS names, and names under the Berth domain, with 422', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /hostname is required/],
      [42, /hostname is required/],
      ['localhost', /full domain name/],
      ['1.2.3.4', /IP addresses/],
      ['a..example.org', /between dots/],
      ['-bad.example.org', /between dots/],
      ['under_score.example.org', /between dots/],
      ['*.org', /at least two parts/],
      ['www.*.example.org', /wildcard may only be/],
      ['*www.example.org', /wildcard may only be/],
      [`${'x'.repeat(64)}.example.org`, /1 to 63/],
      [`${'abcdefghi.'.repeat(26)}org`, /longer than 253/],
      ['example.test', /belong to Berth's apps/],
      [`${app.name}.example.test`, /belong to Berth's apps/],
      ['deep.other.example.test', /belong to Berth's apps/],
      ['*.example.test', /belong to Berth's apps/],
      ['*.test', /at least two parts/],
    ];
    for (const [hostname, message] of cases) {
      const error = await expectError(await add(app.name, { hostname }), 422, 'invalid_params');
      assert.match(error.message, message, `for ${JSON.stringify(hostname)}`);
    }
    assert.equal((await expectJson<DomainJson[]>(await list(app.name), 200)).length, 1);
  });

  it("refuses a hostname another app has with 409, without naming that app, and the app's own duplicate too", async () => {
    const owner = await newApp(api, other.key, 'secret-owner');
    const mine = await newApp(api, dev.key, 'dom');
    const hostname = `shop.${label()}.example.org`;
    await expectJson(await add(owner.name, { hostname }, other.key), 201);
    const taken = await expectError(await add(mine.name, { hostname: hostname.toUpperCase() }), 409, 'conflict');
    assert.match(taken.message, /already in use by another app/);
    assert.doesNotMatch(taken.message, new RegExp(owner.name));
    await expectJson(await add(mine.name, { hostname: `www.${hostname}` }), 201);
    const again = await expectError(await add(mine.name, { hostname: `www.${hostname}` }), 409, 'conflict');
    assert.match(again.message, /already a domain of/);
  });
});

describe('PATCH and DELETE /apps/:app/domains/:domain', () => {
  it('attaches an SNI endpoint by name or id when its certificate covers the hostname, and detaches it with null', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const base = `${label()}.example.org`;
    const pair = await ca.issue([`*.${base}`]);
    const endpoint = await expectJson<{ id: string; name: string }>(await api.request(`/apps/${app.name}/sni-endpoints`, { key: dev.key, method: 'POST', body: jsonBody({ certificate_chain: pair.cert, private_key: pair.key }) }), 201);
    await expectJson(await add(app.name, { hostname: `www.${base}` }), 201);
    const patch = (domain: string, body: unknown) => one(app.name, domain, { method: 'PATCH', body: jsonBody(body) });

    const attached = await expectJson<DomainJson>(await patch(`www.${base}`, { sni_endpoint: endpoint.name }), 200);
    assert.deepEqual(attached.sni_endpoint, { id: endpoint.id, name: endpoint.name });
    assert.deepEqual((await expectJson<DomainJson>(await one(app.name, `www.${base}`), 200)).sni_endpoint, { id: endpoint.id, name: endpoint.name });
    assert.equal((await expectJson<DomainJson>(await patch(`www.${base}`, { sni_endpoint: null }), 200)).sni_endpoint, null);
    assert.equal((await expectJson<DomainJson>(await patch(`www.${base}`, { sni_endpoint: endpoint.id }), 200)).sni_endpoint?.id, endpoint.id);

    const created = await expectJson<DomainJson>(await add(app.name, { hostname: `api.${base}`, sni_endpoint: endpoint.name }), 201);
    assert.equal(created.sni_endpoint?.name, endpoint.name);

    await expectJson(await add(app.name, { hostname: `a.b.${base}` }), 201);
    assert.match((await expectError(await patch(`a.b.${base}`, { sni_endpoint: endpoint.name }), 422, 'invalid_params')).message, /is for \*\./);
    assert.match((await expectError(await add(app.name, { hostname: `other-${base}`, sni_endpoint: endpoint.name }), 422, 'invalid_params')).message, /is for/);
    assert.match((await expectError(await patch(`www.${base}`, { sni_endpoint: 'no-such-cert' }), 422, 'invalid_params')).message, /no SNI endpoint "no-such-cert"/);
    assert.match((await expectError(await patch(`www.${base}`, {}), 422, 'invalid_params')).message, /sni_endpoint is required/);
    await expectError(await patch(`${app.name}.example.test`, { sni_endpoint: null }), 422, 'invalid_params');
  });

  it('removes a custom domain (the router is told) and refuses to remove the default one', async () => {
    const app = await newApp(api, dev.key, 'dom');
    const hostname = `gone.${label()}.example.org`;
    const created = await expectJson<DomainJson>(await add(app.name, { hostname }), 201);
    const notified = api.platform.of('appChanged', app.id).length;
    const removed = await expectJson<DomainJson>(await one(app.name, hostname, { method: 'DELETE' }), 200);
    assert.equal(removed.id, created.id);
    assert.equal(api.platform.of('appChanged', app.id).length, notified + 1);
    await expectError(await one(app.name, hostname), 404, 'not_found');
    await expectError(await one(app.name, hostname, { method: 'DELETE' }), 404, 'not_found');
    const fixed = await expectError(await one(app.name, `${app.name}.example.test`, { method: 'DELETE' }), 422, 'invalid_params');
    assert.match(fixed.message, /default domain/);
    // The hostname is free for another app again.
    const next = await newApp(api, dev.key, 'dom');
    await expectJson(await add(next.name, { hostname }), 201);
  });
});
