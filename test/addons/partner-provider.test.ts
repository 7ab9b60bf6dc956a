import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { PartnerProvider, type PartnerGrants, type PartnerProviderOptions } from '../../src/addons/partner-provider.js';
import { AddonProviderError, type ProvisionRequest } from '../../src/addons/provider.js';
import { PartnerServer } from '../support/partner-server.js';

/** Grants as the store would issue them: a fresh code per add-on, remembered for the assertions. */
class IssuedGrants implements PartnerGrants {
  readonly issued: { providerId: string; addonId: string; code: string; logToken: string }[] = [];
  async issue(providerId: string, addonId: string): Promise<{ code: string; expiresAt: string; logToken: string }> {
    const code = randomUUID();
    const logToken = randomUUID();
    this.issued.push({ providerId, addonId, code, logToken });
    return { code, expiresAt: new Date(Date.now() + 300_000).toISOString(), logToken };
  }
}

let partner: PartnerServer;
let grants: IssuedGrants;
const pauses: number[] = [];
before(async () => {
  partner = await PartnerServer.start();
});
after(async () => {
  await partner.close();
});
beforeEach(() => {
  partner.behaviour = { kind: 'sync' };
  partner.requests.length = 0;
  pauses.length = 0;
  grants = new IssuedGrants();
});

function provider(overrides: Partial<PartnerProviderOptions> = {}, manifest: unknown = partner.manifest): PartnerProvider {
  return new PartnerProvider(parseAddonManifest(manifest), {
    grants,
    region: 'us',
    timeoutMs: 2_000,
    attempts: 3,
    backoffMs: 10,
    sleep: async (ms) => void pauses.push(ms),
    ...overrides,
  });
}

function request(plan = 'test'): ProvisionRequest {
  const addonId = randomUUID();
  return { addonId, addonName: 'acme-kv-shiny-12345', plan, appId: randomUUID(), appName: 'my-app', options: { size: 'small' }, callbackUrl: `http://berth.example.test/addons/${addonId}` };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof AddonProviderError, `expected an AddonProviderError, got ${String(err)}`);
  return err.message;
}

describe('PartnerProvider against a partner API server', () => {
  it('provisions synchronously with Basic auth and Heroku’s body, returning config by suffix', async () => {
    const req = request();
    const result = await provider().provision(req);
    assert.deepEqual(result, { state: 'provisioned', providerId: 'acme-1', config: { URL: 'acme://acme-1.kv.example.test:7000', TOKEN: 'token-acme-1' }, message: 'Acme KV is ready.' });
    const [sent] = partner.provisions();
    assert.ok(sent);
    assert.equal(sent.authorization, `Basic ${Buffer.from('acme-kv:partner-secret-password').toString('base64')}`);
    assert.deepEqual(sent.body, {
      uuid: req.addonId,
      name: 'acme-kv-shiny-12345',
      plan: 'test',
      region: 'us',
      callback_url: req.callbackUrl,
      options: { size: 'small' },
      oauth_grant: { code: grants.issued[0]?.code, expires_at: (sent.body?.oauth_grant as { expires_at: string }).expires_at, type: 'authorization_code' },
      log_input_url: `http://token:${grants.issued[0]?.logToken}@berth.example.test/addons/${req.addonId}/logs`,
      log_drain_token: `d.${req.addonId}`,
    });
    assert.deepEqual(grants.issued.map((g) => [g.providerId, g.addonId]), [['acme-kv', req.addonId]]);
  });

  it('a 202 answer leaves the add-on provisioning with the provider’s id and message', async () => {
    partner.behaviour = { kind: 'async' };
    const result = await provider().provision(request());
    assert.equal(result.state, 'provisioning');
    assert.match(result.providerId, /^acme-\d+$/);
    assert.equal(result.message, 'Your store is being prepared.');
  });

  it('changes the plan with PUT and deprovisions with DELETE; a resource already gone is fine', async () => {
    const req = request();
    const made = await provider().provision(req);
    assert.equal(made.state, 'provisioned');
    const resource = { addonId: req.addonId, addonName: req.addonName, plan: 'test', providerId: made.providerId, appId: req.appId, appName: req.appName };
    const changed = await provider().changePlan(resource, 'big');
    assert.deepEqual(changed, { config: { TOKEN: `token-${made.providerId}-big` }, message: 'Now on big.' });
    const put = partner.requests.find((r) => r.method === 'PUT');
    assert.deepEqual([put?.path, put?.body], [`/heroku/resources/${made.providerId}`, { plan: 'big' }]);
    await provider().deprovision(resource);
    await provider().deprovision(resource);
    assert.deepEqual(partner.requests.filter((r) => r.method === 'DELETE').map((r) => r.path), [`/heroku/resources/${made.providerId}`, `/heroku/resources/${made.providerId}`]);
    assert.equal(partner.resources.has(req.addonId), false);
  });
});

describe('PartnerProvider faults', () => {
  it('a provider that is down fails with a clear message after bounded retries with backoff', async () => {
    const gone = await PartnerServer.start();
    const manifest = gone.manifest;
    await gone.close();
    const message = await rejection(provider({}, manifest).provision(request()));
    assert.match(message, /Acme KV could not be reached to provision the add-on \(ECONNREFUSED\) after 3 attempts\. Nothing changed/);
    assert.deepEqual(pauses, [10, 20]);
  });

  it('a slow provider times out and provision is not sent twice', async () => {
    partner.behaviour = { kind: 'slow' };
    const message = await rejection(provider({ timeoutMs: 300 }).provision(request()));
    assert.match(message, /did not answer within 300 ms when asked to provision/);
    assert.equal(partner.provisions().length, 1);
  });

  it('a slow provider’s deprovision is retried, then fails', async () => {
    partner.behaviour = { kind: 'slow' };
    const resource = { addonId: randomUUID(), addonName: 'x', plan: 'test', providerId: 'acme-9', appId: randomUUID(), appName: 'a' };
    const message = await rejection(provider({ timeoutMs: 200 }).deprovision(resource));
    assert.match(message, /did not answer .* deprovision the add-on after 3 attempts/);
    assert.equal(partner.requests.filter((r) => r.method === 'DELETE').length, 3);
  });

  it('answers that are not JSON, too large, or lack an id are refused as unusable', async () => {
    partner.behaviour = { kind: 'raw', status: 200, contentType: 'text/html', body: '<html>hello</html>' };
    assert.match(await rejection(provider().provision(request())), /unusable answer when asked to provision the add-on: the response is not JSON \(HTTP 200\)/);
    partner.behaviour = { kind: 'raw', status: 200, contentType: 'application/json', body: JSON.stringify({ id: 'x', config: { ACME_KV_URL: 'a'.repeat(100_000) } }) };
    assert.match(await rejection(provider().provision(request())), /the response is larger than 65536 bytes/);
    partner.behaviour = { kind: 'raw', status: 201, contentType: 'application/json', body: '[1,2]' };
    assert.match(await rejection(provider().provision(request())), /not a JSON object/);
    partner.behaviour = { kind: 'raw', status: 201, contentType: 'application/json', body: '{"config":{}}' };
    assert.match(await rejection(provider().provision(request())), /no usable "id"/);
  });

  it('config vars outside the manifest or with control characters are refused', async () => {
    partner.behaviour = { kind: 'config', config: { ACME_KV_URL: 'acme://x', PATH: '/evil' } };
    assert.match(await rejection(provider().provision(request())), /config var "PATH" is not in the manifest \(allowed: ACME_KV_URL, ACME_KV_TOKEN\)/);
    partner.behaviour = { kind: 'config', config: { ACME_KV_URL: 'acme://x\nLD_PRELOAD=/evil.so' } };
    assert.match(await rejection(provider().provision(request())), /config var ACME_KV_URL contains control characters/);
    partner.behaviour = { kind: 'config', config: { ACME_KV_URL: 42 } };
    assert.match(await rejection(provider().provision(request())), /config var ACME_KV_URL is not a string/);
    partner.behaviour = { kind: 'config', config: 'ACME_KV_URL=x' };
    assert.match(await rejection(provider().provision(request())), /"config" is not an object/);
  });

  it('a 500 or 422 with a message reaches the user, cleaned of control characters', async () => {
    partner.behaviour = { kind: 'status', status: 500, message: 'database\u001b[31m on fire' };
    assert.equal(await rejection(provider().provision(request())), 'The add-on provider Acme KV failed to provision the add-on (HTTP 500): database [31m on fire. Nothing changed on the app.');
    assert.equal(partner.provisions().length, 1, 'a 500 on provision is not retried');
    partner.behaviour = { kind: 'status', status: 422, message: 'Plan test is sold out.' };
    assert.equal(await rejection(provider().provision(request())), 'The add-on provider Acme KV refused to provision the add-on: Plan test is sold out.');
  });

  it('a 503 is retried, up to the bound', async () => {
    partner.behaviour = { kind: 'status', status: 503, message: 'maintenance' };
    assert.match(await rejection(provider().provision(request())), /failed to provision the add-on \(HTTP 503\): maintenance/);
    assert.equal(partner.provisions().length, 3);
  });

  it('a provider rejecting the manifest’s password says an admin must check it', async () => {
    const manifest = { ...partner.manifest, api: { ...partner.manifest.api, password: 'not-the-password' } };
    assert.match(await rejection(provider({}, manifest).provision(request())), /rejected Berth's credentials \(HTTP 401\).*check the manifest's password/);
  });
});
