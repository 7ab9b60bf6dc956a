// The Store contract, part 7: add-ons (states, names, visibility) and their attachments.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Store } from '../../src/store/port.js';
import { account, app, platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

const newAddon = (store: Store, appId: string, name = 'postgresql-curved-12345') =>
  store.addons.create({ appId, name, service: 'heroku-postgresql', plan: 'essential-0' });

/** A plain copy, so null-prototype config maps compare with literals. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function addonsContract({ open }: ContractContext): void {
  describe('add-ons', () => {
    it('a new add-on is provisioning with empty config, and round-trips every field', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const created = await newAddon(store, appId);
      assert.deepEqual(plain(created), {
        id: created.id,
        appId,
        name: 'postgresql-curved-12345',
        service: 'heroku-postgresql',
        plan: 'essential-0',
        state: 'provisioning',
        stateMessage: null,
        providerId: null,
        config: {},
        provisionMessage: null,
        createdAt: created.createdAt,
        updatedAt: created.createdAt,
      });
      assert.deepEqual(plain(await store.addons.findById(created.id)), plain(created));
      assert.deepEqual(plain(await store.addons.findByName(created.name)), plain(created));
      assert.deepEqual((await store.addons.listForApp(appId)).map((a) => a.id), [created.id]);
    });

    it('provisioning → provisioned keeps the config and provider id; a second answer changes nothing', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const created = await newAddon(store, appId);
      const done = await store.addons.markProvisioned(created.id, { providerId: 'res-1', config: { URL: 'postgres://u:p@h/db' }, message: 'ready' });
      assert.equal(done?.state, 'provisioned');
      assert.equal(done?.providerId, 'res-1');
      assert.equal(done?.provisionMessage, 'ready');
      assert.deepEqual(plain(done?.config), { URL: 'postgres://u:p@h/db' });
      assert.ok((done?.updatedAt ?? '') > created.updatedAt);
      assert.equal(await store.addons.markProvisioned(created.id, { providerId: 'res-2', config: {}, message: null }), undefined);
      assert.equal(await store.addons.markFailed(created.id, 'late failure'), undefined, 'a provisioned add-on does not fail afterwards');
      assert.equal((await store.addons.findById(created.id))?.providerId, 'res-1');
    });

    it('an accepted asynchronous provision stays provisioning with its provider id and is not stale', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const waiting = await newAddon(store, appId, 'async-one');
      const crashed = await newAddon(store, appId, 'crashed-one');
      const accepted = await store.addons.markAccepted(waiting.id, 'prov-9', 'on its way');
      assert.equal(accepted?.state, 'provisioning');
      assert.equal(accepted?.providerId, 'prov-9');
      assert.deepEqual((await store.addons.listStale()).map((a) => a.id), [crashed.id]);
    });

    it('failing an add-on records the reason and removes its attachments', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const created = await newAddon(store, appId);
      await store.addonAttachments.create({ addonId: created.id, appId, name: 'DATABASE' });
      const failed = await store.addons.markFailed(created.id, 'the PostgreSQL server is not running');
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.stateMessage, 'the PostgreSQL server is not running');
      assert.deepEqual(await store.addonAttachments.listForApp(appId), []);
      assert.deepEqual((await store.addons.listForApp(appId)).map((a) => a.state), ['failed'], 'a failed add-on stays listed until destroyed');
      assert.deepEqual(await store.addons.listStale(), []);
    });

    it('a deprovisioned add-on leaves the lists, detaches everywhere, and frees its name', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const other = await appWithOwner(store, 'other-app');
      const created = await newAddon(store, appId);
      await store.addons.markProvisioned(created.id, { providerId: null, config: { URL: 'x' }, message: null });
      await store.addonAttachments.create({ addonId: created.id, appId, name: 'DATABASE' });
      await store.addonAttachments.create({ addonId: created.id, appId: other.appId, name: 'SHARED' });
      const gone = await store.addons.markDeprovisioned(created.id);
      assert.equal(gone?.state, 'deprovisioned');
      assert.equal(await store.addons.markDeprovisioned(created.id), undefined, 'deprovisioning twice changes nothing');
      assert.deepEqual(await store.addons.listForApp(appId), []);
      assert.equal(await store.addons.findByName(created.name), undefined);
      assert.deepEqual((await store.addonAttachments.listForAddon(created.id)).length, 0);
      assert.deepEqual(await store.addonAttachments.listForApp(other.appId), []);
      const again = await newAddon(store, appId);
      assert.notEqual(again.id, created.id);
      await assert.rejects(store.addonAttachments.create({ addonId: created.id, appId, name: 'OLD' }), platformError('not_found'));
    });

    it('a live add-on name is taken across all apps (conflict); a missing app is not_found', async () => {
      const store = await open();
      const one = await appWithOwner(store, 'one');
      const two = await appWithOwner(store, 'two');
      await newAddon(store, one.appId, 'shared-name');
      await assert.rejects(newAddon(store, two.appId, 'shared-name'), platformError('conflict', /shared-name/));
      await assert.rejects(newAddon(store, MISSING, 'fresh-name'), platformError('not_found'));
      assert.deepEqual(await store.addons.listForApp(two.appId), []);
    });

    it('rename gives a live add-on a free name; a taken one is a conflict', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const first = await newAddon(store, appId, 'first-db');
      await newAddon(store, appId, 'second-db');
      assert.equal((await store.addons.rename(first.id, 'main-db'))?.name, 'main-db');
      assert.equal((await store.addons.findByName('main-db'))?.id, first.id);
      assert.equal(await store.addons.findByName('first-db'), undefined);
      await assert.rejects(store.addons.rename(first.id, 'second-db'), platformError('conflict', /second-db/));
      await store.addons.markDeprovisioned(first.id);
      assert.equal(await store.addons.rename(first.id, 'ghost-db'), undefined, 'a deprovisioned add-on keeps its name');
    });

    it('update changes the plan and config of a provisioned add-on only', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const created = await newAddon(store, appId);
      assert.equal(await store.addons.update(created.id, { plan: 'standard-0' }), undefined, 'not while provisioning');
      await store.addons.markProvisioned(created.id, { providerId: 'r', config: { URL: 'a' }, message: null });
      const upgraded = await store.addons.update(created.id, { plan: 'standard-0' });
      assert.equal(upgraded?.plan, 'standard-0');
      assert.deepEqual(plain(upgraded?.config), { URL: 'a' });
      const rotated = await store.addons.update(created.id, { config: { URL: 'b', EXTRA: 'c' } });
      assert.deepEqual(plain(rotated?.config), { URL: 'b', EXTRA: 'c' });
      assert.equal(rotated?.plan, 'standard-0');
    });

    it('list shows add-ons owned by or attached to an owner’s apps, by name; without a filter, all', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const adaApp = await app(store, 'ada-app', ada.id);
      const bobApp = await app(store, 'bob-app', bob.id);
      const adas = await newAddon(store, adaApp.id, 'zeta-db');
      const bobs = await newAddon(store, bobApp.id, 'alpha-db');
      const bobsPrivate = await newAddon(store, bobApp.id, 'beta-db');
      await store.addonAttachments.create({ addonId: bobs.id, appId: adaApp.id, name: 'SHARED' });
      assert.deepEqual((await store.addons.list({ accessibleBy: ada.id })).map((a) => a.name), ['alpha-db', 'zeta-db']);
      assert.deepEqual((await store.addons.list({ accessibleBy: bob.id })).map((a) => a.name), ['alpha-db', 'beta-db']);
      assert.deepEqual((await store.addons.list({})).map((a) => a.id), [bobs.id, bobsPrivate.id, adas.id]);
      assert.deepEqual((await store.addonAttachments.list({ accessibleBy: ada.id })).map((t) => t.name), ['SHARED']);
      assert.deepEqual((await store.addonAttachments.list({})).length, 1);
    });
  });

  describe('add-on attachments', () => {
    it('an attachment round-trips and is found by id, by name within its app, by app and by add-on', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const addon = await newAddon(store, appId);
      const created = await store.addonAttachments.create({ addonId: addon.id, appId, name: 'DATABASE' });
      assert.deepEqual(created, { id: created.id, addonId: addon.id, appId, name: 'DATABASE', namespace: null, createdAt: created.createdAt, updatedAt: created.createdAt });
      assert.deepEqual(await store.addonAttachments.findById(created.id), created);
      assert.deepEqual(await store.addonAttachments.findByName(appId, 'DATABASE'), created);
      assert.equal(await store.addonAttachments.findByName(appId, 'OTHER'), undefined);
      assert.deepEqual(await store.addonAttachments.listForApp(appId), [created]);
      assert.deepEqual(await store.addonAttachments.listForAddon(addon.id), [created]);
      assert.deepEqual(await store.addonAttachments.delete(created.id), created);
      assert.equal(await store.addonAttachments.delete(created.id), undefined);
    });

    it('names are unique per app (conflict) but may repeat across apps; apps list theirs by name', async () => {
      const store = await open(steppingClock());
      const one = await appWithOwner(store, 'one');
      const two = await appWithOwner(store, 'two');
      const addon = await newAddon(store, one.appId);
      const second = await newAddon(store, one.appId, 'postgresql-second-1');
      await store.addonAttachments.create({ addonId: addon.id, appId: one.appId, name: 'DATABASE' });
      await assert.rejects(store.addonAttachments.create({ addonId: second.id, appId: one.appId, name: 'DATABASE' }), platformError('conflict', /DATABASE/));
      await store.addonAttachments.create({ addonId: second.id, appId: one.appId, name: 'HEROKU_POSTGRESQL_AMBER' });
      await store.addonAttachments.create({ addonId: addon.id, appId: two.appId, name: 'DATABASE' });
      assert.deepEqual((await store.addonAttachments.listForApp(one.appId)).map((t) => t.name), ['DATABASE', 'HEROKU_POSTGRESQL_AMBER']);
      assert.deepEqual((await store.addonAttachments.listForAddon(addon.id)).map((t) => t.appId), [one.appId, two.appId]);
    });

    it('concurrent attachments under one name on one app: exactly one wins, the others are conflicts', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const addons = await Promise.all([1, 2, 3, 4].map((n) => newAddon(store, appId, `concurrent-${n}`)));
      const results = await Promise.allSettled(addons.map((a) => store.addonAttachments.create({ addonId: a.id, appId, name: 'DATABASE' })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') platformError('conflict')(r.reason);
      assert.equal((await store.addonAttachments.listForApp(appId)).length, 1);
    });

    it('attaching to a missing app or a missing add-on is not_found', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const addon = await newAddon(store, appId);
      await assert.rejects(store.addonAttachments.create({ addonId: MISSING, appId, name: 'X' }), platformError('not_found'));
      await assert.rejects(store.addonAttachments.create({ addonId: addon.id, appId: MISSING, name: 'X' }), platformError('not_found'));
    });

    it('deleting an app deletes its add-ons and every attachment on it or of its add-ons', async () => {
      const store = await open();
      const owner = await appWithOwner(store, 'owner');
      const user = await appWithOwner(store, 'user');
      const owned = await newAddon(store, owner.appId, 'owned-db');
      const used = await newAddon(store, user.appId, 'used-db');
      await store.addonAttachments.create({ addonId: owned.id, appId: user.appId, name: 'SHARED' });
      await store.addonAttachments.create({ addonId: used.id, appId: owner.appId, name: 'BORROWED' });
      assert.equal(await store.apps.delete(owner.appId), true);
      assert.equal(await store.addons.findById(owned.id), undefined);
      assert.deepEqual(await store.addonAttachments.listForApp(user.appId), []);
      assert.deepEqual(await store.addonAttachments.listForAddon(used.id), []);
      assert.equal((await store.addons.findById(used.id))?.name, 'used-db');
    });
  });
}
