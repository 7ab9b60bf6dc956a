import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { throwawayCa, type PemPair, type ThrowawayCa } from '../support/test-certificates.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface EndpointJson {
  id: string;
  name: string;
  certificate_chain: string;
  domains: string[];
  ssl_cert: { cert_domains: string[]; expires_at: string; starts_at: string; issuer: string; subject: string; 'self_signed?': boolean; 'ca_signed?': boolean; id: string };
}

const api = useApi();
const dev = api.user('certs-dev@example.com');
const other = api.user('certs-other@example.com');
let ca: ThrowawayCa;
before(async () => {
  ca = await throwawayCa();
});
after(async () => {
  await ca.remove();
});

const label = () => `c${Math.random().toString(36).slice(2, 9)}`;
const upload = (app: string, pair: { cert: string; key: string }, key = dev.key) =>
  api.request(`/apps/${app}/sni-endpoints`, { key, method: 'POST', body: jsonBody({ certificate_chain: pair.cert, private_key: pair.key }) });
const endpointPath = (app: string, endpoint: string) => `/apps/${app}/sni-endpoints/${encodeURIComponent(endpoint)}`;
/** The base64 body of a PEM key: what must never show up in a response. */
const keyBody = (pair: PemPair) => pair.key.split('\n').filter((l) => l && !l.startsWith('-----')).join('');

describe('POST /apps/:app/sni-endpoints', () => {
  it('stores a certificate with its chain and answers its details, never the private key', async () => {
    const app = await newApp(api, dev.key, 'sni');
    const host = `www.${label()}.example.org`;
    const pair = await ca.issue([host, `*.${host}`]);
    const chain = `${pair.cert}${ca.caCert}`;
    const res = await upload(app.name, { cert: chain, key: pair.key });
    const text = await res.clone().text();
    const created = await expectJson<EndpointJson & Record<string, unknown>>(res, 201);
    assert.ok(!text.includes(keyBody(pair)), 'the key is not in the response');
    assert.ok(!('private_key' in created));
    assert.match(created.name, /^[a-z][a-z0-9-]{2,29}$/);
    assert.match(created.id, UUID);
    assert.equal(created.certificate_chain, chain);
    assert.deepEqual(created.domains, []);
    assert.deepEqual(created.app, { id: app.id, name: app.name });
    const leaf = new X509Certificate(pair.cert);
    assert.deepEqual(created.ssl_cert.cert_domains, [host, `*.${host}`]);
    assert.equal(created.ssl_cert.subject, `/O=Berth/CN=${host}`);
    assert.equal(created.ssl_cert.issuer, '/CN=Berth Local CA');
    assert.equal(created.ssl_cert.expires_at, new Date(leaf.validTo).toISOString());
    assert.equal(created.ssl_cert.starts_at, new Date(leaf.validFrom).toISOString());
    assert.equal(created.ssl_cert['self_signed?'], false);
    assert.equal(created.ssl_cert['ca_signed?'], false, 'a throwaway CA is not a trusted root');
    assert.match(created.ssl_cert.id, UUID);

    const stored = await api.store.sniEndpoints.findById(app.id, created.id);
    assert.equal(stored?.privateKey, pair.key, 'the key is stored as given');
    for (const path of [`/apps/${app.name}/sni-endpoints`, endpointPath(app.name, created.name), endpointPath(app.name, created.id)]) {
      const got = await api.request(path, { key: dev.key });
      assert.equal(got.status, 200);
      assert.ok(!(await got.text()).includes(keyBody(pair)), `${path} does not show the key`);
    }
    assert.deepEqual((await expectJson<EndpointJson[]>(await api.request(`/apps/${app.name}/sni-endpoints`, { key: dev.key }), 200)).map((e) => e.id), [created.id]);
    assert.ok(!JSON.stringify(api.logged).includes(keyBody(pair)), 'nor in the API log');
  });

  it('refuses a bundle that is not a certificate, a key that does not match, an expired or out-of-order chain, and an encrypted key', async () => {
    const app = await newApp(api, dev.key, 'sni');
    const host = `${label()}.example.org`;
    const good = await ca.issue([host]);
    const stranger = await ca.issue([host]);
    const expired = await ca.expired(host);
    const encrypted = createPrivateKey(good.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string;
    const cases: Array<[unknown, unknown, RegExp]> = [
      [undefined, good.key, /certificate_chain is required/],
      [good.cert, '', /private_key is required/],
      ['not a certificate', good.key, /no PEM certificate/],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', good.key, /cannot be read/],
      [good.cert, 'not a key', /private_key cannot be read/],
      [good.cert, encrypted, /private_key is encrypted/],
      [good.cert, stranger.key, /does not belong to the certificate/],
      [expired.cert, expired.key, /expired on 2020-02-01/],
      [`${ca.caCert}${good.cert}`, good.key, /does not belong|out of order/],
      [`${good.cert}${stranger.cert}`, good.key, /out of order/],
    ];
    for (const [certificate_chain, private_key, message] of cases) {
      const res = await api.request(`/apps/${app.name}/sni-endpoints`, { key: dev.key, method: 'POST', body: jsonBody({ certificate_chain, private_key }) });
      const error = await expectError(res, 422, 'invalid_params');
      assert.match(error.message, message);
      assert.ok(!error.message.includes(keyBody(good)), 'an error never quotes the key');
    }
    assert.deepEqual(await expectJson(await api.request(`/apps/${app.name}/sni-endpoints`, { key: dev.key }), 200), []);
    await expectError(await upload(app.name, good, other.key), 404, 'not_found');
  });
});

describe('PATCH and DELETE /apps/:app/sni-endpoints/:endpoint', () => {
  it("replaces the certificate if it still covers the endpoint's domains, and lists those domains", async () => {
    const app = await newApp(api, dev.key, 'sni');
    const base = `${label()}.example.org`;
    const first = await ca.issue([`www.${base}`]);
    const created = await expectJson<EndpointJson>(await upload(app.name, first), 201);
    const domain = await expectJson<{ id: string }>(await api.request(`/apps/${app.name}/domains`, { key: dev.key, method: 'POST', body: jsonBody({ hostname: `www.${base}`, sni_endpoint: created.name }) }), 201);
    assert.deepEqual((await expectJson<EndpointJson>(await api.request(endpointPath(app.name, created.name), { key: dev.key }), 200)).domains, [domain.id]);

    const patch = (pair: PemPair) => api.request(endpointPath(app.name, created.name), { key: dev.key, method: 'PATCH', body: jsonBody({ certificate_chain: pair.cert, private_key: pair.key }) });
    const wrongName = await ca.issue([`shop.${base}`]);
    assert.match((await expectError(await patch(wrongName), 422, 'invalid_params')).message, new RegExp(`not valid for www\\.${base.replace(/\./g, '\\.')}`));
    const notified = api.platform.of('appChanged', app.id).length;
    const renewed = await ca.issue([`www.${base}`, `shop.${base}`]);
    const replaced = await expectJson<EndpointJson>(await patch(renewed), 200);
    assert.equal(replaced.id, created.id);
    assert.equal(replaced.certificate_chain, renewed.cert);
    assert.deepEqual(replaced.ssl_cert.cert_domains, [`www.${base}`, `shop.${base}`]);
    assert.deepEqual(replaced.domains, [domain.id]);
    assert.equal((await api.store.sniEndpoints.findById(app.id, created.id))?.privateKey, renewed.key);
    assert.equal(api.platform.of('appChanged', app.id).length, notified + 1, 'the router hears of the new certificate');
  });

  it('deletes an endpoint, detaching its domains, and answers 404 afterwards', async () => {
    const app = await newApp(api, dev.key, 'sni');
    const host = `www.${label()}.example.org`;
    const pair = await ca.issue([host]);
    const created = await expectJson<EndpointJson>(await upload(app.name, pair), 201);
    await expectJson(await api.request(`/apps/${app.name}/domains`, { key: dev.key, method: 'POST', body: jsonBody({ hostname: host, sni_endpoint: created.id }) }), 201);
    const removed = await expectJson<EndpointJson>(await api.request(endpointPath(app.name, created.id), { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(removed.name, created.name);
    assert.equal(removed.domains.length, 1);
    await expectError(await api.request(endpointPath(app.name, created.name), { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(endpointPath(app.name, created.name), { key: dev.key, method: 'DELETE' }), 404, 'not_found');
    const domain = await expectJson<{ sni_endpoint: unknown }>(await api.request(`/apps/${app.name}/domains/${host}`, { key: dev.key }), 200);
    assert.equal(domain.sni_endpoint, null);
    await expectError(await api.request(endpointPath(app.name, created.name), { key: other.key }), 404, 'not_found');
  });
});
