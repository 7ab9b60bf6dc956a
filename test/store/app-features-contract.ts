// The Store contract, part 6: app features (labs) an app turned on or off.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

export function appFeaturesContract({ open }: ContractContext): void {
  describe('app features', () => {
    it('an app has no feature settings until one is set, and enabling one round-trips every field', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      assert.deepEqual(await store.appFeatures.list(appId), []);
      assert.equal(await store.appFeatures.find(appId, 'log-runtime-metrics'), undefined);

      const enabled = await store.appFeatures.set(appId, 'log-runtime-metrics', true);
      const expected = { appId, name: 'log-runtime-metrics', enabled: true, createdAt: '2024-01-01T00:00:02.000Z', updatedAt: '2024-01-01T00:00:02.000Z' };
      assert.deepEqual(enabled, { setting: expected, changed: true });
      assert.deepEqual(await store.appFeatures.find(appId, 'log-runtime-metrics'), expected);
      assert.deepEqual(await store.appFeatures.list(appId), [expected]);
    });

    it('setting a feature to what it already is changes nothing; flipping it keeps created_at and moves updated_at', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      assert.equal((await store.appFeatures.set(appId, 'log-runtime-metrics', false)).changed, false, 'a feature is off by default');
      assert.equal((await store.appFeatures.set(appId, 'log-runtime-metrics', false)).changed, false);
      const on = await store.appFeatures.set(appId, 'log-runtime-metrics', true);
      assert.equal(on.changed, true);
      const again = await store.appFeatures.set(appId, 'log-runtime-metrics', true);
      assert.deepEqual(again, { setting: on.setting, changed: false });
      const off = await store.appFeatures.set(appId, 'log-runtime-metrics', false);
      assert.equal(off.changed, true);
      assert.equal(off.setting.enabled, false);
      assert.equal(off.setting.createdAt, on.setting.createdAt);
      assert.ok(off.setting.updatedAt > on.setting.updatedAt, `${off.setting.updatedAt} after ${on.setting.updatedAt}`);
      assert.deepEqual(await store.appFeatures.find(appId, 'log-runtime-metrics'), off.setting);
    });

    it('features are per app, listed by name, and go with their app', async () => {
      const store = await open();
      const one = await appWithOwner(store, 'one');
      const two = await appWithOwner(store, 'two');
      await store.appFeatures.set(one.appId, 'zz-later', true);
      await store.appFeatures.set(one.appId, 'log-runtime-metrics', true);
      assert.deepEqual((await store.appFeatures.list(one.appId)).map((f) => f.name), ['log-runtime-metrics', 'zz-later']);
      assert.deepEqual(await store.appFeatures.list(two.appId), []);
      assert.equal(await store.apps.delete(one.appId), true);
      assert.deepEqual(await store.appFeatures.list(one.appId), []);
    });

    it('concurrent flips of one feature end in one of the values, each reported as a change at most once per value', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const results = await Promise.all(Array.from({ length: 6 }, () => store.appFeatures.set(appId, 'log-runtime-metrics', true)));
      assert.equal(results.filter((r) => r.changed).length, 1, 'exactly one of the concurrent enables changed it');
      assert.equal((await store.appFeatures.find(appId, 'log-runtime-metrics'))?.enabled, true);
    });

    it('setting a feature of a missing app is not_found', async () => {
      const store = await open();
      await assert.rejects(store.appFeatures.set(MISSING, 'log-runtime-metrics', true), platformError('not_found'));
    });
  });
}
