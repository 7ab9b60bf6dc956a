// The Store contract: pipelines, couplings, promotions, and slugs shared by promotion.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { account, app, platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner, uploadedSlug } from './release-support.js';

export function pipelinesContract({ open }: ContractContext): void {
  describe('pipelines', () => {
    it('a pipeline name is unique: creating or renaming onto a taken name is a conflict', async () => {
      const store = await open(steppingClock());
      const { user } = await appWithOwner(store);
      const shop = await store.pipelines.create({ name: 'shop', ownerId: user.id, generation: 'cedar' });
      const blog = await store.pipelines.create({ name: 'blog', ownerId: user.id, generation: 'cedar' });
      await assert.rejects(store.pipelines.create({ name: 'shop', ownerId: user.id, generation: 'cedar' }), platformError('conflict', /pipeline named shop already exists/));
      await assert.rejects(store.pipelines.rename(blog.id, 'shop'), platformError('conflict'));
      assert.deepEqual((await store.pipelines.list({ ownerId: user.id })).map((p) => p.name), ['blog', 'shop']);
      assert.deepEqual(await store.pipelines.findByName('shop'), shop);
    });

    it('an account sees the pipelines it owns and those holding an app it collaborates on or its team owns, and no others', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const eve = await account(store, 'eve@example.com');
      const shared = await app(store, 'ada-shared', ada.id);
      const team = await store.teams.create('crew', ada.id);
      const crewApp = await store.apps.create({ name: 'crew-app', ownerId: ada.id, region: 'local', stack: 'heroku-24', teamId: team.id });
      const shop = await store.pipelines.create({ name: 'shop', ownerId: ada.id, generation: 'cedar' });
      const crew = await store.pipelines.create({ name: 'crew-line', ownerId: ada.id, generation: 'cedar' });
      await store.pipelines.create({ name: 'empty', ownerId: ada.id, generation: 'cedar' });
      await store.pipelineCouplings.create({ pipelineId: shop.id, appId: shared.id, stage: 'staging' });
      await store.pipelineCouplings.create({ pipelineId: crew.id, appId: crewApp.id, stage: 'production' });
      const names = async (visibleTo: string) => (await store.pipelines.list({ visibleTo })).map((p) => p.name);
      assert.deepEqual(await names(ada.id), ['crew-line', 'empty', 'shop']);
      assert.deepEqual(await names(bob.id), []);
      await store.collaborators.add({ appId: shared.id, accountId: bob.id, permissions: ['view'] });
      assert.deepEqual(await names(bob.id), ['shop']);
      await store.teams.putMember(team.id, eve.id, 'member');
      assert.deepEqual(await names(eve.id), ['crew-line']);
      assert.deepEqual((await store.pipelines.list({ visibleTo: eve.id, name: 'shop' })).map((p) => p.name), []);
    });

    it('an app is coupled to one pipeline; deleting the pipeline removes its couplings, not its apps', async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store);
      const shop = await store.pipelines.create({ name: 'shop', ownerId: user.id, generation: 'cedar' });
      const blog = await store.pipelines.create({ name: 'blog', ownerId: user.id, generation: 'cedar' });
      const coupling = await store.pipelineCouplings.create({ pipelineId: shop.id, appId, stage: 'staging' });
      await assert.rejects(store.pipelineCouplings.create({ pipelineId: shop.id, appId, stage: 'production' }), platformError('conflict', /already in pipeline shop \(stage staging\)/));
      await assert.rejects(store.pipelineCouplings.create({ pipelineId: blog.id, appId, stage: 'production' }), platformError('conflict'));
      assert.deepEqual(await store.pipelineCouplings.findByApp(appId), coupling);
      assert.equal((await store.pipelineCouplings.setStage(coupling.id, 'production'))?.stage, 'production');
      assert.equal(await store.pipelines.delete(shop.id), true);
      assert.equal(await store.pipelineCouplings.findByApp(appId), undefined);
      assert.ok(await store.apps.findById(appId));
    });

    it('a promotion completes when its last pending target ends; failStale fails the rest', async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store, 'src');
      const { appId: a } = await appWithOwner(store, 'target-a');
      const { appId: b } = await appWithOwner(store, 'target-b');
      const pipeline = await store.pipelines.create({ name: 'shop', ownerId: user.id, generation: 'cedar' });
      const slug = await uploadedSlug(store, appId);
      const release = await store.releases.create({ appId, slugId: slug.id, description: 'Deploy', user });
      const { promotion, targets } = await store.pipelinePromotions.create({ pipelineId: pipeline.id, sourceAppId: appId, sourceReleaseId: release.id, slugId: slug.id, targetAppIds: [a, b] });
      assert.equal(promotion.status, 'pending');
      assert.deepEqual(targets.map((t) => [t.appId, t.status, t.releaseId]), [[a, 'pending', null], [b, 'pending', null]]);
      const [first, second] = targets;
      assert.ok(first && second);
      await store.pipelinePromotions.setTargetRelease(first.id, release.id);
      await store.pipelinePromotions.finishTarget(first.id, { status: 'succeeded' });
      assert.equal((await store.pipelinePromotions.findById(promotion.id))?.status, 'pending');
      assert.deepEqual(await store.pipelinePromotions.failStale('restarted'), [second.id]);
      assert.equal((await store.pipelinePromotions.findById(promotion.id))?.status, 'completed');
      const after = await store.pipelinePromotions.targets(promotion.id);
      assert.deepEqual(after.map((t) => [t.status, t.errorMessage, t.releaseId]), [['succeeded', null, release.id], ['failed', 'restarted', null]]);
      await store.pipelinePromotions.finishTarget(second.id, { status: 'succeeded' });
      assert.equal((await store.pipelinePromotions.targets(promotion.id))[1]?.status, 'failed', 'an ended target stays as it ended');
    });

    it("a promoted slug runs on the target under the same id, and deleting its app hands it to the target", async () => {
      const store = await open(steppingClock());
      const { appId: source, user } = await appWithOwner(store, 'src');
      const { appId: target } = await appWithOwner(store, 'dst');
      const { appId: stranger } = await appWithOwner(store, 'other');
      const slug = await uploadedSlug(store, source);
      await assert.rejects(store.releases.create({ appId: target, slugId: slug.id, description: 'x', user }), platformError('not_found'), 'not without the promotion');
      const promoted = await store.releases.create({ appId: target, slugId: slug.id, slugOwnerId: source, description: 'Promote', user });
      assert.equal(promoted.slugId, slug.id);
      assert.equal((await store.slugs.find(target, slug.id))?.id, slug.id, 'the target reads the slug it runs');
      assert.equal(await store.slugs.find(stranger, slug.id), undefined);
      assert.deepEqual(await store.slugs.sharedWithOtherApps(source), [slug.id]);
      assert.deepEqual(await store.slugs.blobKeysForApp(source), [], 'its blob is not the source app\'s to delete');
      const rollback = await store.releases.create({ appId: target, slugId: slug.id, description: 'Rollback', user });
      assert.equal(rollback.slugId, slug.id, 'a release of the target may run it again (rollback)');
      assert.equal(await store.apps.delete(source), true);
      const kept = await store.slugs.findById(slug.id);
      assert.equal(kept?.appId, target, 'the slug passed to the app that runs it');
      assert.equal((await store.releases.current(target))?.slugId, slug.id);
    });
  });
}
