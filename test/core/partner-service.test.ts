import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { partnerServiceSpec } from '../../src/core/partner-service.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import type { AddonProvider } from '../../src/core/addon-provider.js';
import { partnerManifest } from '../support/partner-server.js';

const manifest = parseAddonManifest({ ...partnerManifest('https://partner.example.test'), plans: [{ name: 'hobby', price: { cents: 2, unit: 'hour' } }, { name: 'pro', description: 'Pro', price: { cents: 900, unit: 'month' } }] });

/** A provider that only carries the spec: the registry never calls it here. */
const carrying = (spec = partnerServiceSpec(manifest)): AddonProvider => ({
  service: spec.name,
  serviceSpec: spec,
  provision: () => Promise.reject(new Error('not called')),
  changePlan: () => Promise.reject(new Error('not called')),
  deprovision: () => Promise.reject(new Error('not called')),
});

describe('a partner service in the catalog', () => {
  it('is named by the manifest id, attached by its config prefix, with its plans and the first as default', () => {
    const spec = partnerServiceSpec(manifest);
    assert.deepEqual(
      { name: spec.name, attachmentName: spec.attachmentName, suffixes: spec.configVarSuffixes, plans: spec.plans.map((p) => [p.name, p.priceCents, p.default ?? false]) },
      { name: 'acme-kv', attachmentName: 'ACME_KV', suffixes: ['URL', 'TOKEN'], plans: [['hobby', 1440, true], ['pro', 900, false]] },
    );
  });

  it('resolves like a built-in once registered, and is gone from the catalog once unregistered', () => {
    const registry = new AddonRegistry();
    registry.register(carrying());
    assert.equal(registry.catalog.resolvePlan('acme-kv:pro').fullName, 'acme-kv:pro');
    assert.equal(registry.catalog.resolvePlan('acme-kv').name, 'hobby');
    assert.ok(registry.find('acme-kv'));
    registry.unregister('acme-kv');
    assert.equal(registry.find('acme-kv'), undefined);
    assert.throws(() => registry.catalog.resolvePlan('acme-kv:pro'), /Unknown add-on service "acme-kv"/);
    assert.ok(registry.catalog.findService('heroku-postgresql'), 'built-ins stay');
  });
});
