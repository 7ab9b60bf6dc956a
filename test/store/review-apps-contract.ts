// The Store contract: review apps and their pipelines' settings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { account, app, platformError, steppingClock, type ContractContext } from './contract-support.js';

export function reviewAppsContract({ open }: ContractContext): void {
  describe('review apps', () => {
    it('enables, changes and disables a pipeline\'s review apps', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada-review@example.com');
      const pipeline = await store.pipelines.create({ name: 'review-settings', ownerId: ada.id, generation: 'cedar' });
      assert.equal(await store.reviewApps.config(pipeline.id), undefined);
      assert.equal((await store.reviewApps.setConfig(pipeline.id, 5)).staleDays, 5);
      assert.equal((await store.reviewApps.setConfig(pipeline.id, 2)).staleDays, 2);
      assert.equal(await store.reviewApps.removeConfig(pipeline.id), true);
      assert.equal(await store.reviewApps.removeConfig(pipeline.id), false);
    });

    it('keeps one review app per pipeline and branch, records pushes, and goes with its app', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada-review2@example.com');
      const pipeline = await store.pipelines.create({ name: 'review-apps', ownerId: ada.id, generation: 'cedar' });
      const source = await app(store, 'shop', ada.id);
      const review = await app(store, 'shop-pr-feature', ada.id);
      const fields = { pipelineId: pipeline.id, appId: review.id, sourceAppId: source.id, branch: 'feature', commit: 'a'.repeat(40), creatorId: ada.id, setupId: null, predestroy: 'echo bye' };
      const created = await store.reviewApps.create(fields);
      assert.deepEqual([created.branch, created.predestroy, created.commit], ['feature', 'echo bye', 'a'.repeat(40)]);
      const other = await app(store, 'shop-pr-feature2', ada.id);
      await assert.rejects(store.reviewApps.create({ ...fields, appId: other.id }), platformError('conflict'));
      assert.equal((await store.reviewApps.findByBranch(pipeline.id, 'feature'))?.id, created.id);
      assert.equal(await store.reviewApps.findByBranch(pipeline.id, 'other'), undefined);
      const pushed = await store.reviewApps.pushed(created.id, 'b'.repeat(40));
      assert.equal(pushed?.commit, 'b'.repeat(40));
      assert.ok((pushed?.lastPushAt ?? '') > created.lastPushAt);
      assert.deepEqual((await store.reviewApps.list(pipeline.id)).map((r) => r.id), [created.id]);
      await store.apps.delete(review.id);
      assert.equal(await store.reviewApps.findById(created.id), undefined);
    });

    it('finds the review apps whose last push is older than their pipeline allows', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada-review3@example.com');
      const pipeline = await store.pipelines.create({ name: 'review-stale', ownerId: ada.id, generation: 'cedar' });
      const source = await app(store, 'stale-src', ada.id);
      const review = await app(store, 'stale-src-pr-x', ada.id);
      const created = await store.reviewApps.create({ pipelineId: pipeline.id, appId: review.id, sourceAppId: source.id, branch: 'x', commit: 'c'.repeat(40), creatorId: ada.id, setupId: null, predestroy: null });
      const later = (days: number) => new Date(Date.parse(created.lastPushAt) + days * 24 * 60 * 60 * 1000);
      assert.deepEqual(await store.reviewApps.stale(later(10)), [], 'review apps off: nothing is stale');
      await store.reviewApps.setConfig(pipeline.id, 3);
      assert.deepEqual(await store.reviewApps.stale(later(2)), []);
      assert.deepEqual((await store.reviewApps.stale(later(3))).map((r) => r.id), [created.id]);
    });
  });
}
