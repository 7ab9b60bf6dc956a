// The Store contract, part 7: registered add-on providers and the partner tokens issued to them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';

const manifest = (id: string) =>
  parseAddonManifest({
    id,
    name: `Provider ${id}`,
    api: { config_vars: [`${id.toUpperCase()}_URL`], password: 'a-long-password', production: { base_url: 'https://partner.example.test' }, version: '3' },
    plans: [{ name: 'test', price: { cents: 0, unit: 'month' } }],
  });

const ADDON = '00000000-0000-4000-8000-00000000aaaa';

export function addonProvidersContract({ open }: ContractContext): void {
  describe('add-on providers', () => {
    it('a registered provider round-trips its manifest, lists by id and refuses a second with the same id', async () => {
      const store = await open(steppingClock());
      assert.deepEqual(await store.addonProviders.list(), []);
      const zeta = await store.addonProviders.create(manifest('zeta'));
      const alpha = await store.addonProviders.create(manifest('alpha'));
      assert.deepEqual(zeta, { id: 'zeta', name: 'Provider zeta', manifest: manifest('zeta'), createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' });
      assert.deepEqual(await store.addonProviders.find('zeta'), zeta);
      assert.deepEqual((await store.addonProviders.list()).map((p) => p.id), ['alpha', 'zeta']);
      await assert.rejects(store.addonProviders.create(manifest('alpha')), platformError('conflict', /alpha is already registered/));
      const renamed = { ...manifest('alpha'), name: 'Alpha 2', baseUrl: 'https://elsewhere.example.test' };
      const updated = await store.addonProviders.update(renamed);
      assert.deepEqual(updated, { ...alpha, name: 'Alpha 2', manifest: renamed, updatedAt: updated?.updatedAt });
      assert.ok((updated?.updatedAt ?? '') > alpha.updatedAt);
      assert.deepEqual(await store.addonProviders.find('alpha'), updated);
      assert.equal(await store.addonProviders.update(manifest('nobody')), undefined);
      assert.deepEqual(await store.addonProviders.delete('alpha'), updated);
      assert.equal(await store.addonProviders.delete('alpha'), undefined);
      assert.equal(await store.addonProviders.find('alpha'), undefined);
    });

    it('a token is found by its hash, taken once by its kind, and goes with its add-on or its provider', async () => {
      const store = await open(steppingClock());
      await store.addonProviders.create(manifest('kv'));
      const grant = await store.addonProviders.addToken({ tokenHash: 'g1', kind: 'grant', providerId: 'kv', addonId: ADDON, expiresAt: '2024-01-01T00:05:00.000Z' });
      assert.deepEqual(grant, { tokenHash: 'g1', kind: 'grant', providerId: 'kv', addonId: ADDON, expiresAt: '2024-01-01T00:05:00.000Z', createdAt: '2024-01-01T00:00:01.000Z' });
      assert.deepEqual(await store.addonProviders.findToken('g1'), grant);
      assert.equal(await store.addonProviders.takeToken('g1', 'access'), undefined, 'a grant is not an access token');
      assert.deepEqual(await store.addonProviders.takeToken('g1', 'grant'), grant);
      assert.equal(await store.addonProviders.takeToken('g1', 'grant'), undefined, 'a grant is used once');

      await store.addonProviders.addToken({ tokenHash: 'a1', kind: 'access', providerId: 'kv', addonId: ADDON, expiresAt: null });
      await store.addonProviders.addToken({ tokenHash: 'r1', kind: 'refresh', providerId: 'kv', addonId: ADDON, expiresAt: null });
      assert.equal(await store.addonProviders.deleteTokensForAddon(ADDON), 2);
      assert.equal(await store.addonProviders.findToken('a1'), undefined);

      await store.addonProviders.addToken({ tokenHash: 'a2', kind: 'access', providerId: 'kv', addonId: ADDON, expiresAt: null });
      await store.addonProviders.delete('kv');
      assert.equal(await store.addonProviders.findToken('a2'), undefined, 'removing the provider revokes its tokens');
    });

    it('config sent before provisioning finished merges, is read back, and is taken once; it goes with its provider', async () => {
      const store = await open(steppingClock());
      await store.addonProviders.create(manifest('kv'));
      assert.equal(await store.addonProviders.findPending(ADDON), undefined);
      assert.deepEqual(await store.addonProviders.mergePending(ADDON, 'kv', { URL: 'a', TOKEN: 't' }), { URL: 'a', TOKEN: 't' });
      assert.deepEqual(await store.addonProviders.mergePending(ADDON, 'kv', { URL: 'b' }), { URL: 'b', TOKEN: 't' });
      assert.deepEqual(await store.addonProviders.findPending(ADDON), { URL: 'b', TOKEN: 't' });
      assert.deepEqual(await store.addonProviders.takePending(ADDON), { URL: 'b', TOKEN: 't' });
      assert.equal(await store.addonProviders.takePending(ADDON), undefined);
      await store.addonProviders.mergePending(ADDON, 'kv', { URL: 'c' });
      await store.addonProviders.delete('kv');
      assert.equal(await store.addonProviders.findPending(ADDON), undefined);
    });
  });
}
