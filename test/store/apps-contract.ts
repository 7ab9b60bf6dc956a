// The Store contract, part 3: apps, and paging through them with Range.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { App } from '../../src/core/model.js';
import type { PageRequest } from '../../src/core/range.js';
import type { AppFilter, Store } from '../../src/store/port.js';
import { account, app, platformError, REGION, STACK, steppingClock, type ContractContext } from './contract-support.js';

export function appsContract({ open }: ContractContext): void {
  describe('apps', () => {
    it('an app can be found by id and by name, with defaults filled in', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const created = await app(store, 'my-app', ada.id);
      assert.deepEqual(created, {
        id: '00000000-0000-4000-8000-000000000002',
        name: 'my-app',
        ownerId: ada.id,
        region: REGION,
        stack: STACK,
        buildStack: STACK,
        teamId: null,
        maintenance: false,
        releasedAt: null,
        createdAt: '2024-01-01T00:00:01.000Z',
        updatedAt: '2024-01-01T00:00:01.000Z',
      });
      assert.deepEqual(await store.apps.findById(created.id), created);
      assert.deepEqual(await store.apps.findByName('my-app'), created);
      assert.equal(await store.apps.findByName('my-app-2'), undefined);
      assert.equal(await store.apps.findById('00000000-0000-4000-8000-000000000000'), undefined);
    });

    it('app names are unique across owners', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const grace = await account(store, 'grace@example.com');
      await app(store, 'taken', ada.id);
      await assert.rejects(app(store, 'taken', grace.id), platformError('conflict', /\btaken\b/));
      await assert.rejects(app(store, 'taken', ada.id), platformError('conflict', /\btaken\b/));
      assert.equal((await store.apps.findByName('taken'))?.ownerId, ada.id);
    });

    it('an app can be renamed, and its old name is free again', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const created = await app(store, 'old-name', ada.id);
      const renamed = await store.apps.update(created.id, { name: 'new-name' });
      assert.deepEqual(renamed, { ...created, name: 'new-name', updatedAt: '2024-01-01T00:00:02.000Z' });
      assert.deepEqual(await store.apps.findByName('new-name'), renamed);
      assert.equal(await store.apps.findByName('old-name'), undefined);
      await app(store, 'old-name', ada.id);
    });

    it('renaming onto a taken name is a conflict and leaves the app as it was', async () => {
      const store = await open();
      const ada = await account(store);
      const mine = await app(store, 'mine', ada.id);
      await app(store, 'theirs', ada.id);
      await assert.rejects(store.apps.update(mine.id, { name: 'theirs', maintenance: true }), platformError('conflict', /\btheirs\b/));
      assert.deepEqual(await store.apps.findById(mine.id), mine);
    });

    it('the maintenance flag round-trips as a boolean', async () => {
      const store = await open();
      const ada = await account(store);
      const created = await app(store, 'flag', ada.id);
      assert.equal((await store.apps.update(created.id, { maintenance: true })).maintenance, true);
      assert.equal((await store.apps.findById(created.id))?.maintenance, true);
      assert.equal((await store.apps.update(created.id, { maintenance: false })).maintenance, false);
      assert.equal((await store.apps.findById(created.id))?.maintenance, false);
      assert.equal((await store.apps.update(created.id, { name: 'flag-2' })).maintenance, false, 'an update leaves maintenance alone');
    });

    it('build stack and release time can be updated', async () => {
      const store = await open();
      const ada = await account(store);
      const created = await app(store, 'stacked', ada.id);
      const updated = await store.apps.update(created.id, { buildStack: 'heroku-22', releasedAt: '2024-02-03T04:05:06.000Z' });
      assert.equal(updated.buildStack, 'heroku-22');
      assert.equal(updated.stack, STACK);
      assert.equal(updated.releasedAt, '2024-02-03T04:05:06.000Z');
      assert.deepEqual(await store.apps.findById(created.id), updated);
    });

    it('updating a missing app is not_found', async () => {
      const store = await open();
      await assert.rejects(store.apps.update('00000000-0000-4000-8000-000000000000', { maintenance: true }), platformError('not_found'));
    });

    it('deleting an app returns true, then false, and the app is gone', async () => {
      const store = await open();
      const ada = await account(store);
      const doomed = await app(store, 'doomed', ada.id);
      const kept = await app(store, 'kept', ada.id);
      assert.equal(await store.apps.delete(doomed.id), true);
      assert.equal(await store.apps.delete(doomed.id), false);
      assert.equal(await store.apps.findById(doomed.id), undefined);
      assert.equal(await store.apps.findByName('doomed'), undefined);
      assert.deepEqual(await store.apps.findById(kept.id), kept);
      await app(store, 'doomed', ada.id);
    });
  });
}

export function paginationContract({ open }: ContractContext): void {
  describe('pagination', () => {
    // Created in this order, so id order (creation order) differs from name order.
    const NAMES = ['golf', 'alpha', 'echo', 'charlie', 'foxtrot', 'bravo', 'delta'];

    async function sevenApps(): Promise<{ store: Store; apps: App[] }> {
      const store = await open(steppingClock());
      const ada = await account(store);
      const apps: App[] = [];
      for (const name of NAMES) apps.push(await app(store, name, ada.id));
      return { store, apps };
    }

    const page = (field: 'name' | 'id', rest: Partial<PageRequest> = {}): PageRequest => ({ field, startExclusive: false, max: 200, order: 'asc', ...rest });

    /** Every page, following nextAfter the way Next-Range does. */
    async function walk(store: Store, filter: AppFilter, first: PageRequest): Promise<Array<{ names: string[]; nextAfter?: string }>> {
      const pages: Array<{ names: string[]; nextAfter?: string }> = [];
      let request = first;
      for (let i = 0; i < 20; i++) {
        const { items, nextAfter } = await store.apps.list(filter, request);
        pages.push(nextAfter === undefined ? { names: items.map((a) => a.name) } : { names: items.map((a) => a.name), nextAfter });
        if (nextAfter === undefined) return pages;
        request = { ...request, start: nextAfter, startExclusive: true };
      }
      throw new Error('pagination never ended');
    }

    it('pages by name ascending continue after the last name and end without nextAfter', async () => {
      const { store } = await sevenApps();
      const first = await store.apps.list({}, page('name', { max: 3 }));
      assert.deepEqual(first.items.map((a) => a.name), ['alpha', 'bravo', 'charlie']);
      assert.equal(first.nextAfter, 'charlie');
      const second = await store.apps.list({}, page('name', { max: 3, start: 'charlie', startExclusive: true }));
      assert.deepEqual(second.items.map((a) => a.name), ['delta', 'echo', 'foxtrot']);
      assert.equal(second.nextAfter, 'foxtrot');
      const third = await store.apps.list({}, page('name', { max: 3, start: 'foxtrot', startExclusive: true }));
      assert.deepEqual(third.items.map((a) => a.name), ['golf']);
      assert.equal(third.nextAfter, undefined);
      assert.equal('nextAfter' in third, false);
    });

    it('pages by name descending go downwards the same way', async () => {
      const { store } = await sevenApps();
      assert.deepEqual(await walk(store, {}, page('name', { max: 3, order: 'desc' })), [
        { names: ['golf', 'foxtrot', 'echo'], nextAfter: 'echo' },
        { names: ['delta', 'charlie', 'bravo'], nextAfter: 'bravo' },
        { names: ['alpha'] },
      ]);
    });

    it('pages by id follow id order and hand out ids as cursors', async () => {
      const { store, apps } = await sevenApps();
      const ids = apps.map((a) => a.id);
      const first = await store.apps.list({}, page('id', { max: 3 }));
      assert.deepEqual(first.items, apps.slice(0, 3));
      assert.equal(first.nextAfter, ids[2]);
      assert.deepEqual(await walk(store, {}, page('id', { max: 3 })), [
        { names: NAMES.slice(0, 3), nextAfter: ids[2] },
        { names: NAMES.slice(3, 6), nextAfter: ids[5] },
        { names: NAMES.slice(6) },
      ]);
      assert.deepEqual(await walk(store, {}, page('id', { max: 4, order: 'desc' })), [
        { names: [...NAMES].reverse().slice(0, 4), nextAfter: ids[3] },
        { names: [...NAMES].reverse().slice(4) },
      ]);
    });

    it('a page exactly as long as what is left has no nextAfter', async () => {
      const { store } = await sevenApps();
      const all = await store.apps.list({}, page('name', { max: 7 }));
      assert.equal(all.items.length, 7);
      assert.equal(all.nextAfter, undefined);
    });

    it('start is inclusive unless exclusive, and end is inclusive, in both orders', async () => {
      const { store } = await sevenApps();
      const names = async (p: PageRequest) => (await store.apps.list({}, p)).items.map((a) => a.name);
      assert.deepEqual(await names(page('name', { start: 'bravo', end: 'echo' })), ['bravo', 'charlie', 'delta', 'echo']);
      assert.deepEqual(await names(page('name', { start: 'bravo', startExclusive: true, end: 'echo' })), ['charlie', 'delta', 'echo']);
      assert.deepEqual(await names(page('name', { end: 'charlie' })), ['alpha', 'bravo', 'charlie']);
      assert.deepEqual(await names(page('name', { start: 'echo', end: 'bravo', order: 'desc' })), ['echo', 'delta', 'charlie', 'bravo']);
      assert.deepEqual(await names(page('name', { end: 'foxtrot', order: 'desc' })), ['golf', 'foxtrot']);
      assert.deepEqual(await walk(store, {}, page('name', { start: 'bravo', end: 'foxtrot', max: 2 })), [
        { names: ['bravo', 'charlie'], nextAfter: 'charlie' },
        { names: ['delta', 'echo'], nextAfter: 'echo' },
        { names: ['foxtrot'] },
      ]);
    });

    it("the owner filter returns only that owner's apps", async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const grace = await account(store, 'grace@example.com');
      const nobody = await account(store, 'nobody@example.com');
      for (const [i, name] of NAMES.entries()) await app(store, name, i % 2 === 0 ? ada.id : grace.id);
      assert.deepEqual(await walk(store, { ownerId: ada.id }, page('name', { max: 2 })), [
        { names: ['delta', 'echo'], nextAfter: 'echo' },
        { names: ['foxtrot', 'golf'] },
      ]);
      const graces = await store.apps.list({ ownerId: grace.id }, page('name'));
      assert.deepEqual(graces.items.map((a) => a.name), ['alpha', 'bravo', 'charlie']);
      assert.ok(graces.items.every((a) => a.ownerId === grace.id));
      assert.deepEqual(await store.apps.list({ ownerId: nobody.id }, page('name')), { items: [] });
      assert.equal((await store.apps.list({}, page('name'))).items.length, 7);
    });
  });
}
