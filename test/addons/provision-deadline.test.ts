import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Accounts } from '../../src/accounts/accounts-service.js';
import { PartnerTokens } from '../../src/accounts/partner-tokens.js';
import { ProvisionDeadline } from '../../src/addons/provision-deadline.js';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { partnerDeadlinePort } from '../../src/addons/partner-deadline-port.js';
import { PartnerProviders } from '../../src/addons/partner-providers.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { PartnerServer } from '../support/partner-server.js';

let dir: string;
let store: KyselyStore;
let partner: PartnerServer;
let providers: PartnerProviders;
let tokens: PartnerTokens;
let clock = new Date();
let appId: string;
const DEADLINE_MS = 10 * 60_000;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-deadline-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
  partner = await PartnerServer.start();
  partner.behaviour = { kind: 'async' };
  tokens = new PartnerTokens(store, () => clock);
  providers = new PartnerProviders({ store, tokens, registry: new AddonRegistry(), region: 'us', log: () => undefined });
  providers.registered(await store.addonProviders.create(parseAddonManifest(partner.manifest)));
  const { account } = await new Accounts(store).create({ email: 'deadline@example.test' });
  appId = (await store.apps.create({ name: 'deadline-app', ownerId: account.id, region: 'us', stack: 'heroku-24' })).id;
});
after(async () => {
  await partner.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** An add-on the partner accepted with 202 and never called back for. */
async function accepted(name: string): Promise<string> {
  const addon = await store.addons.create({ appId, name, service: 'acme-kv', plan: 'test' });
  const provider = providers.find('acme-kv');
  assert.ok(provider);
  const result = await provider.provision({ addonId: addon.id, addonName: name, plan: 'test', appId, appName: 'deadline-app', options: {}, callbackUrl: `http://berth.invalid/addons/${addon.id}` });
  assert.equal(result.state, 'provisioning');
  await store.addons.markAccepted(addon.id, result.providerId, result.message ?? null);
  return addon.id;
}

describe('the deadline of an asynchronous partner provision', () => {
  it('an add-on whose callback never arrives stays provisioning with the provider’s message, then fails at the deadline', async () => {
    const id = await accepted('acme-kv-waiting');
    const port = partnerDeadlinePort({ store, providers, tokens, failed: async (addonId, message) => void (await store.addons.markFailed(addonId, message)), log: () => undefined });
    const deadline = new ProvisionDeadline(port, DEADLINE_MS, () => clock);
    const grant = partner.resources.get(id)?.grantCode as string;

    clock = new Date(clock.getTime() + DEADLINE_MS - 60_000);
    assert.deepEqual(await deadline.sweep(), []);
    const waiting = await store.addons.findById(id);
    assert.deepEqual([waiting?.state, waiting?.provisionMessage], ['provisioning', 'Your store is being prepared.']);

    clock = new Date(clock.getTime() + 120_000);
    assert.deepEqual(await deadline.sweep(), [id]);
    const failed = await store.addons.findById(id);
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.stateMessage, 'The add-on provider Acme KV did not finish provisioning acme-kv-waiting within 10 minutes. Nothing changed on the app; destroy the add-on and try again.');
    assert.deepEqual(Object.keys(failed?.config ?? { x: 1 }), []);
    assert.equal(partner.resources.has(id), false, 'the provider was asked to drop the resource');
    await assert.rejects(tokens.exchange({ grantType: 'authorization_code', code: grant, clientSecret: partner.manifest.api.password }), /unknown or was used already/);
    assert.deepEqual(await deadline.sweep(), [], 'a failed add-on is not failed again');
  });

  it('add-ons of other services are not the deadline’s business', async () => {
    const other = await store.addons.create({ appId, name: 'postgresql-slow-1', service: 'heroku-postgresql', plan: 'essential-0' });
    const port = partnerDeadlinePort({ store, providers, tokens, failed: async (addonId, message) => void (await store.addons.markFailed(addonId, message)), log: () => undefined });
    clock = new Date(clock.getTime() + 10 * DEADLINE_MS);
    await new ProvisionDeadline(port, DEADLINE_MS, () => clock).sweep();
    assert.equal((await store.addons.findById(other.id))?.state, 'provisioning');
  });
});
