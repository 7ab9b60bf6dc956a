import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PartnerTokens } from '../../src/accounts/partner-tokens.js';
import { PartnerProviders } from '../../src/addons/partner-providers.js';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { partnerManifest } from '../support/partner-server.js';

let dir: string;
let store: KyselyStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-partner-providers-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('partner providers at start', () => {
  it('a restarted Berth registers every stored manifest again; one the catalog refuses is logged and skipped', async () => {
    await store.addonProviders.create(parseAddonManifest(partnerManifest('https://one.example.test', 'acme-one')));
    await store.addonProviders.create(parseAddonManifest(partnerManifest('https://two.example.test', 'acme-two')));
    const registry = new AddonRegistry();
    // Since this manifest was stored, the catalog gained a service that claims its name.
    registry.catalog.register({ ...registry.catalog.service('heroku-redis'), name: 'other-kv', aliases: ['acme-two'] });
    const logged: Record<string, unknown>[] = [];
    const providers = new PartnerProviders({ store, tokens: new PartnerTokens(store, () => new Date()), registry, region: 'us', log: (event) => logged.push(event) });
    await providers.load();
    assert.equal(registry.find('acme-one'), providers.find('acme-one'));
    assert.equal(providers.find('acme-one')?.manifest.baseUrl, 'https://one.example.test');
    assert.equal(registry.catalog.resolvePlan('acme-one:big').fullName, 'acme-one:big');
    assert.equal(providers.find('acme-two'), undefined);
    assert.deepEqual(logged.map((e) => [e.msg, e.provider]), [['add-on provider not registered', 'acme-two']]);
  });
});
