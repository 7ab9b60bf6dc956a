// The Store contract, part 6: custom domains and SNI endpoints.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Store } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const CHAIN = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n';

const endpoint = (store: Store, appId: string, name: string, limit?: number) =>
  store.sniEndpoints.create({ appId, name, certificateChain: CHAIN, privateKey: KEY, ...(limit !== undefined ? { limit } : {}) });

export function domainsContract({ open }: ContractContext): void {
  describe('domains', () => {
    it('a domain is stored in lower case, found by id and by hostname in any case, and listed by hostname', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const www = await store.domains.create({ appId, hostname: 'WWW.Example.COM' });
      assert.deepEqual(www, {
        id: '00000000-0000-4000-8000-000000000003',
        appId,
        hostname: 'www.example.com',
        kind: 'custom',
        sniEndpointId: null,
        createdAt: '2024-01-01T00:00:02.000Z',
        updatedAt: '2024-01-01T00:00:02.000Z',
      });
      const wild = await store.domains.create({ appId, hostname: '*.example.com' });
      const apex = await store.domains.create({ appId, hostname: 'example.com' });
      assert.deepEqual(await store.domains.findById(appId, www.id), www);
      assert.deepEqual(await store.domains.findByHostname(appId, 'www.EXAMPLE.com'), www);
      assert.deepEqual((await store.domains.list(appId)).map((d) => d.hostname), [wild.hostname, apex.hostname, www.hostname]);
      assert.equal(await store.domains.findById(MISSING, www.id), undefined, 'another app does not see it');
    });

    it('a hostname belongs to one app: adding it again anywhere is a conflict that does not name the owner', async () => {
      const store = await open();
      const first = await appWithOwner(store, 'first-owner');
      const second = await appWithOwner(store, 'second-app');
      await store.domains.create({ appId: first.appId, hostname: 'shop.example.com' });
      await assert.rejects(store.domains.create({ appId: second.appId, hostname: 'SHOP.example.com' }), (err) => {
        platformError('conflict', /shop\.example\.com/)(err);
        assert.doesNotMatch((err as Error).message, /first-owner/);
        return true;
      });
      await assert.rejects(store.domains.create({ appId: first.appId, hostname: 'shop.example.com' }), platformError('conflict'));
      assert.deepEqual(await store.domains.list(second.appId), []);
    });

    it('the per-app limit holds, a missing app is not_found, and deleting returns the domain once', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      await store.domains.create({ appId, hostname: 'a.example.com', limit: 2 });
      const b = await store.domains.create({ appId, hostname: 'b.example.com', limit: 2 });
      await assert.rejects(store.domains.create({ appId, hostname: 'c.example.com', limit: 2 }), platformError('invalid_params', /2 domains/));
      await assert.rejects(store.domains.create({ appId: MISSING, hostname: 'd.example.com' }), platformError('not_found'));
      assert.deepEqual(await store.domains.delete(appId, b.id), b);
      assert.equal(await store.domains.delete(appId, b.id), undefined);
      await store.domains.create({ appId, hostname: 'c.example.com', limit: 2 });
    });

    it('of 5 concurrent creations of one hostname by two apps exactly one succeeds', async () => {
      const store = await open();
      const apps = [await appWithOwner(store, 'racer-one'), await appWithOwner(store, 'racer-two')];
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.domains.create({ appId: (apps[i % 2] as { appId: string }).appId, hostname: 'race.example.com' })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') platformError('conflict')(r.reason);
    });
  });

  describe('SNI endpoints', () => {
    it('an endpoint keeps its chain and key exactly, is found by id and name, and can be replaced', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const created = await endpoint(store, appId, 'tidy-reef-12345');
      assert.deepEqual(created, {
        id: '00000000-0000-4000-8000-000000000003',
        appId,
        name: 'tidy-reef-12345',
        certificateChain: CHAIN,
        privateKey: KEY,
        createdAt: '2024-01-01T00:00:02.000Z',
        updatedAt: '2024-01-01T00:00:02.000Z',
      });
      assert.deepEqual(await store.sniEndpoints.findById(appId, created.id), created);
      assert.deepEqual(await store.sniEndpoints.findByName(appId, 'tidy-reef-12345'), created);
      const other = await endpoint(store, appId, 'amber-cove-10000');
      assert.deepEqual((await store.sniEndpoints.list(appId)).map((e) => e.name), ['amber-cove-10000', 'tidy-reef-12345']);
      const replaced = await store.sniEndpoints.update(appId, created.id, { certificateChain: `${CHAIN}${CHAIN}`, privateKey: 'new key' });
      assert.deepEqual(replaced, { ...created, certificateChain: `${CHAIN}${CHAIN}`, privateKey: 'new key', updatedAt: '2024-01-01T00:00:04.000Z' });
      assert.equal(await store.sniEndpoints.update(MISSING, other.id, { certificateChain: CHAIN, privateKey: KEY }), undefined);
    });

    it('names are unique per app, the limit holds, and a missing app is not_found', async () => {
      const store = await open();
      const one = await appWithOwner(store, 'app-one');
      const two = await appWithOwner(store, 'app-two');
      await endpoint(store, one.appId, 'same-name', 2);
      await endpoint(store, two.appId, 'same-name');
      await assert.rejects(endpoint(store, one.appId, 'same-name', 2), platformError('conflict', /same-name/));
      await endpoint(store, one.appId, 'other-name', 2);
      await assert.rejects(endpoint(store, one.appId, 'third-name', 2), platformError('invalid_params', /2 SNI endpoints/));
      await assert.rejects(endpoint(store, MISSING, 'orphan'), platformError('not_found'));
    });

    it('a domain attaches to an endpoint of its own app only, and deleting the endpoint detaches it', async () => {
      const store = await open();
      const mine = await appWithOwner(store, 'mine');
      const theirs = await appWithOwner(store, 'theirs');
      const cert = await endpoint(store, mine.appId, 'my-cert');
      const foreign = await endpoint(store, theirs.appId, 'their-cert');
      const domain = await store.domains.create({ appId: mine.appId, hostname: 'www.example.com', sniEndpointId: cert.id });
      assert.equal(domain.sniEndpointId, cert.id);
      await assert.rejects(store.domains.create({ appId: mine.appId, hostname: 'x.example.com', sniEndpointId: foreign.id }), platformError('invalid_params'));
      await assert.rejects(store.domains.setSniEndpoint(mine.appId, domain.id, foreign.id), platformError('invalid_params'));
      await assert.rejects(store.domains.setSniEndpoint(mine.appId, domain.id, MISSING), platformError('invalid_params'));
      assert.equal((await store.domains.setSniEndpoint(mine.appId, domain.id, null))?.sniEndpointId, null);
      assert.equal((await store.domains.setSniEndpoint(mine.appId, domain.id, cert.id))?.sniEndpointId, cert.id);
      assert.equal(await store.domains.setSniEndpoint(theirs.appId, domain.id, null), undefined, 'not through another app');

      assert.deepEqual(await store.sniEndpoints.delete(mine.appId, cert.id), cert);
      assert.equal(await store.sniEndpoints.delete(mine.appId, cert.id), undefined);
      assert.equal((await store.domains.findById(mine.appId, domain.id))?.sniEndpointId, null);
      assert.deepEqual(await store.sniEndpoints.list(theirs.appId), [foreign]);
    });

    it('deleting an app deletes its domains and endpoints, and frees its hostnames', async () => {
      const store = await open();
      const doomed = await appWithOwner(store, 'doomed');
      const kept = await appWithOwner(store, 'kept');
      const cert = await endpoint(store, doomed.appId, 'doomed-cert');
      const domain = await store.domains.create({ appId: doomed.appId, hostname: 'doomed.example.com', sniEndpointId: cert.id });
      await store.domains.create({ appId: kept.appId, hostname: 'kept.example.com' });
      assert.equal(await store.apps.delete(doomed.appId), true);
      assert.equal(await store.domains.findById(doomed.appId, domain.id), undefined);
      assert.equal(await store.sniEndpoints.findById(doomed.appId, cert.id), undefined);
      assert.equal((await store.domains.list(kept.appId)).length, 1);
      await store.domains.create({ appId: kept.appId, hostname: 'doomed.example.com' });
    });
  });
}
