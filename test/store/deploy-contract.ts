// The Store contract, part 5: slugs, builds, formation, buildpack installations, and the
// cascade that removes all of them with their app.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { resolveDynoSize } from '../../src/core/formation.js';
import type { SourceBlob } from '../../src/store/port.js';
import { platformError, STACK, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner, SHA, uploadedSlug } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const SOURCE: SourceBlob = { url: 'https://example.com/source.tgz', checksum: null, version: 'v1', versionDescription: null };

export function slugsContract({ open }: ContractContext): void {
  describe('slugs', () => {
    it('a slug round-trips every field and gets a blob key from its id', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const slug = await store.slugs.create({
        appId,
        processTypes: { web: 'node server.js', worker: 'node worker.js' },
        stack: STACK,
        commit: '60883d9e8947a57e04dc9124f25df004866a2051',
        commitDescription: 'fix the thing',
        buildpackProvidedDescription: 'Node.js',
        checksum: SHA,
      });
      assert.deepEqual(slug, {
        id: '00000000-0000-4000-8000-000000000003',
        appId,
        blobKey: 'slugs/00000000-0000-4000-8000-000000000003.tgz',
        size: null,
        checksum: SHA,
        processTypes: { web: 'node server.js', worker: 'node worker.js' },
        commit: '60883d9e8947a57e04dc9124f25df004866a2051',
        commitDescription: 'fix the thing',
        buildpackProvidedDescription: 'Node.js',
        stack: STACK,
        createdAt: '2024-01-01T00:00:02.000Z',
        updatedAt: '2024-01-01T00:00:02.000Z',
        prunedAt: null,
      });
      assert.deepEqual(await store.slugs.findById(slug.id), slug);
      assert.deepEqual(await store.slugs.find(appId, slug.id), slug);
      assert.equal(await store.slugs.find(MISSING, slug.id), undefined);
    });

    it('a slug is uploaded once: the first upload records size and checksum, a second is refused', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const slug = await store.slugs.create({ appId, processTypes: { web: 'x' }, stack: STACK });
      const uploaded = await store.slugs.markUploaded(slug.id, { size: 3_000_000_000, checksum: SHA });
      assert.equal(uploaded?.size, 3_000_000_000, 'sizes over 2 GB fit');
      assert.equal(uploaded?.checksum, SHA);
      assert.equal(await store.slugs.markUploaded(slug.id, { size: 1, checksum: SHA }), undefined);
      assert.equal((await store.slugs.findById(slug.id))?.size, 3_000_000_000);
      assert.equal(await store.slugs.markUploaded(MISSING, { size: 1, checksum: SHA }), undefined);
    });

    it('a slug can be created with its blob already stored, and the app lists its blob keys', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const built = await store.slugs.create({ appId, processTypes: {}, stack: STACK, blobKey: 'slugs/built-1.tgz', size: 10, checksum: SHA });
      const posted = await store.slugs.create({ appId, processTypes: {}, stack: STACK });
      assert.equal(built.size, 10);
      assert.deepEqual(await store.slugs.blobKeysForApp(appId), ['slugs/built-1.tgz', posted.blobKey]);
      await assert.rejects(store.slugs.create({ appId: MISSING, processTypes: {}, stack: STACK }), platformError('not_found'));
    });

    it('a pruned slug is marked with its releases, lists with the app, and no new release may use it', async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store);
      const old = await uploadedSlug(store, appId);
      const v1 = await store.releases.create({ appId, slugId: old.id, description: 'Deploy old', user });
      const v2 = await store.releases.create({ appId, description: 'Set FOO config vars', user, configVars: { FOO: '1' } });
      const fresh = await uploadedSlug(store, appId);
      const v3 = await store.releases.create({ appId, slugId: fresh.id, description: 'Deploy fresh', user });
      assert.deepEqual((await store.slugs.listForApp(appId)).map((s) => s.id), [old.id, fresh.id]);
      assert.deepEqual(await store.releases.slugReferences(appId), [
        { id: v3.id, version: 3, slugId: fresh.id, status: 'succeeded' },
        { id: v2.id, version: 2, slugId: old.id, status: 'succeeded' },
        { id: v1.id, version: 1, slugId: old.id, status: 'succeeded' },
      ]);
      assert.equal(await store.slugs.markPruned(old.id, 2), false, 'v3 was made since: nothing is marked');
      assert.equal((await store.slugs.findById(old.id))?.prunedAt, null);
      assert.equal(await store.slugs.markPruned(old.id, 3), true);
      const pruned = await store.slugs.findById(old.id);
      assert.ok(pruned?.prunedAt, 'the slug says when');
      assert.equal(pruned?.size, 1024, 'the record keeps what it was');
      for (const version of [1, 2]) assert.equal((await store.releases.findByVersion(appId, version))?.slugPrunedAt, pruned?.prunedAt);
      assert.equal((await store.releases.findByVersion(appId, 3))?.slugPrunedAt, null);
      assert.equal((await store.slugs.findById(fresh.id))?.prunedAt, null);
      await assert.rejects(store.releases.create({ appId, slugId: old.id, description: 'Rollback to v1', user }), platformError('invalid_params'));
      await store.slugs.markPruned(old.id, 3);
      assert.equal((await store.slugs.findById(old.id))?.prunedAt, pruned?.prunedAt, 'marking twice keeps the first time');
    });
  });
}

export function buildsContract({ open }: ContractContext): void {
  describe('builds', () => {
    it('a build starts pending and round-trips every field', async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store);
      const build = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [{ url: 'nodejs', name: 'nodejs' }], user, stack: STACK });
      assert.deepEqual(build, {
        id: '00000000-0000-4000-8000-000000000003',
        appId,
        status: 'pending',
        sourceBlob: SOURCE,
        buildpacks: [{ url: 'nodejs', name: 'nodejs' }],
        slugId: null,
        releaseId: null,
        userId: user.id,
        userEmail: user.email,
        outputKey: null,
        stack: STACK,
        error: null,
        createdAt: '2024-01-01T00:00:02.000Z',
        updatedAt: '2024-01-01T00:00:02.000Z',
      });
      assert.deepEqual(await store.builds.findById(build.id), build);
      assert.deepEqual(await store.builds.find(appId, build.id), build);
      assert.equal(await store.builds.find(MISSING, build.id), undefined);
    });

    it('finishing a build records its slug and release once; later finishes change nothing', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const build = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      const slug = await uploadedSlug(store, appId);
      const release = await store.releases.create({ appId, slugId: slug.id, description: 'Deploy', user });
      const done = await store.builds.finish(build.id, { status: 'succeeded', slugId: slug.id, releaseId: release.id, outputKey: 'builds/x.log' });
      assert.equal(done?.status, 'succeeded');
      assert.equal(done?.slugId, slug.id);
      assert.equal(done?.releaseId, release.id);
      assert.equal(done?.outputKey, 'builds/x.log');
      assert.equal(done?.error, null);
      const again = await store.builds.finish(build.id, { status: 'failed', error: 'cancelled' });
      assert.deepEqual(again, done);
      assert.equal(await store.builds.finish(MISSING, { status: 'failed' }), undefined);
    });

    it('a failed build keeps its error message', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const build = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      const failed = await store.builds.finish(build.id, { status: 'failed', error: 'No default language could be detected for this app.' });
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.error, 'No default language could be detected for this app.');
      assert.equal(failed?.slugId, null);
    });

    it('failStale fails every pending build with a message and returns their ids', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const stuck = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      const done = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      await store.builds.finish(done.id, { status: 'succeeded' });
      assert.deepEqual(await store.builds.failStale(), [stuck.id]);
      const after = await store.builds.findById(stuck.id);
      assert.equal(after?.status, 'failed');
      assert.match(after?.error ?? '', /Berth stopped/);
      assert.equal((await store.builds.findById(done.id))?.status, 'succeeded');
      assert.deepEqual(await store.builds.failStale(), []);
    });

    it("idsForApp lists every build of the app and none of another's", async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const other = await appWithOwner(store, 'other-app');
      const a = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      const b = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
      await store.builds.create({ appId: other.appId, sourceBlob: SOURCE, buildpacks: [], user: other.user, stack: STACK });
      assert.deepEqual((await store.builds.idsForApp(appId)).sort(), [a.id, b.id].sort());
    });

    it("an app's builds page by creation time", async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store);
      const other = await appWithOwner(store, 'other');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK })).id);
      await store.builds.create({ appId: other.appId, sourceBlob: SOURCE, buildpacks: [], user: other.user, stack: STACK });
      const first = await store.builds.list(appId, { field: 'created_at', startExclusive: false, max: 3, order: 'asc' });
      assert.deepEqual(first.items.map((b) => b.id), ids.slice(0, 3));
      assert.ok(first.nextAfter);
      const rest = await store.builds.list(appId, { field: 'created_at', start: first.nextAfter, startExclusive: true, max: 3, order: 'asc' });
      assert.deepEqual(rest.items.map((b) => b.id), ids.slice(3));
      const newest = await store.builds.list(appId, { field: 'created_at', startExclusive: false, max: 1, order: 'desc' });
      assert.deepEqual(newest.items.map((b) => b.id), [ids[4]]);
    });
  });
}

export function formationContract({ open }: ContractContext): void {
  describe('formation', () => {
    it('the first release with process types makes web 1 and every other type 0, at the default size', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      assert.deepEqual(await store.formations.list(appId), []);
      const slug = await uploadedSlug(store, appId, { web: 'node server.js', worker: 'node worker.js', clock: 'node clock.js' });
      await store.releases.create({ appId, slugId: slug.id, description: 'Deploy', user });
      const formation = await store.formations.list(appId);
      assert.deepEqual(
        formation.map((f) => [f.type, f.quantity, f.size, f.command]),
        [['clock', 0, 'standard-1x', 'node clock.js'], ['web', 1, 'standard-1x', 'node server.js'], ['worker', 0, 'standard-1x', 'node worker.js']],
      );
      assert.ok(formation.every((f) => f.appId === appId && typeof f.id === 'string'));
      assert.deepEqual(await store.formations.find(appId, 'web'), formation[1]);
      assert.equal(await store.formations.find(appId, 'nope'), undefined);
    });

    it('a later release keeps quantities and sizes, updates commands, adds new types and drops removed ones', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'v1 web', worker: 'v1 worker' })).id, description: 'Deploy', user });
      await store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'absolute', value: 3 }, size: resolveDynoSize('standard-2x') }]);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'v2 web', clock: 'v2 clock' })).id, description: 'Deploy', user });
      const formation = await store.formations.list(appId);
      assert.deepEqual(formation.map((f) => [f.type, f.quantity, f.size, f.command]), [['clock', 0, 'standard-1x', 'v2 clock'], ['web', 3, 'standard-2x', 'v2 web']]);
    });

    it('a pending release changes the formation only when it succeeds', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'old' })).id, description: 'Deploy', user });
      const pending = await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'new', release: 'migrate' })).id, description: 'Deploy', user });
      assert.deepEqual((await store.formations.list(appId)).map((f) => f.command), ['old']);
      await store.releases.finish(pending.id, 'succeeded');
      assert.deepEqual((await store.formations.list(appId)).map((f) => [f.type, f.command]), [['web', 'new']], 'the release phase is not a formation entry');
    });

    it('scaling sets absolute and relative quantities and sizes, returning the rows in request order', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'w', worker: 'k' })).id, description: 'Deploy', user });
      const scaled = await store.formations.scale(appId, [
        { type: 'worker', quantity: { kind: 'relative', delta: 2 } },
        { type: 'web', quantity: { kind: 'absolute', value: 4 }, size: resolveDynoSize('performance-m') },
      ]);
      assert.deepEqual(scaled.map((f) => [f.type, f.quantity, f.size]), [['worker', 2, 'standard-1x'], ['web', 4, 'performance-m']]);
      const down = await store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'relative', delta: -4 } }]);
      assert.deepEqual(down.map((f) => f.quantity), [0]);
      assert.deepEqual((await store.formations.list(appId)).map((f) => [f.type, f.quantity]), [['web', 0], ['worker', 2]]);
    });

    it('an unknown type or an out-of-range quantity refuses the whole batch', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId, { web: 'w', worker: 'k' })).id, description: 'Deploy', user });
      await assert.rejects(
        store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'absolute', value: 2 } }, { type: 'clock', quantity: { kind: 'absolute', value: 1 } }]),
        platformError('invalid_params', /clock.*Known types: web, worker/),
      );
      await assert.rejects(store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'absolute', value: 101 } }]), platformError('invalid_params', /0 to 100/));
      await assert.rejects(store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'relative', delta: -2 } }]), platformError('invalid_params', /0 to 100/));
      assert.deepEqual((await store.formations.list(appId)).map((f) => f.quantity), [1, 0], 'nothing changed');
    });

    it('an app with no release has no types to scale', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      await assert.rejects(store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'absolute', value: 1 } }]), platformError('invalid_params', /no process types/));
    });

    it('20 concurrent "+1" scales of one type end at exactly 21', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId)).id, description: 'Deploy', user });
      await Promise.all(Array.from({ length: 20 }, () => store.formations.scale(appId, [{ type: 'web', quantity: { kind: 'relative', delta: 1 } }])));
      assert.equal((await store.formations.find(appId, 'web'))?.quantity, 21);
    });

    it('listAll gives every app its formation', async () => {
      const store = await open();
      const a = await appWithOwner(store, 'app-a');
      const b = await appWithOwner(store, 'app-b');
      await store.releases.create({ appId: a.appId, slugId: (await uploadedSlug(store, a.appId)).id, description: 'Deploy', user: a.user });
      await store.releases.create({ appId: b.appId, slugId: (await uploadedSlug(store, b.appId, { web: 'w', worker: 'k' })).id, description: 'Deploy', user: b.user });
      const all = await store.formations.listAll();
      assert.equal(all.length, 3);
      assert.deepEqual(new Set(all.map((f) => f.appId)), new Set([a.appId, b.appId]));
    });
  });
}

export function buildpackInstallationsContract({ open }: ContractContext): void {
  describe('buildpack installations', () => {
    it('replacing sets ordinals 1..n in order, and replacing with none clears them', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      const other = await appWithOwner(store, 'other');
      assert.deepEqual(await store.buildpackInstallations.list(appId), []);
      await store.buildpackInstallations.replace(other.appId, [{ url: 'static', name: 'static' }]);
      const set = await store.buildpackInstallations.replace(appId, [
        { url: 'https://example.com/a.git#v1', name: 'https://example.com/a.git#v1' },
        { url: 'nodejs', name: 'nodejs' },
      ]);
      assert.deepEqual(set, [
        { ordinal: 1, buildpack: { url: 'https://example.com/a.git#v1', name: 'https://example.com/a.git#v1' } },
        { ordinal: 2, buildpack: { url: 'nodejs', name: 'nodejs' } },
      ]);
      assert.deepEqual(await store.buildpackInstallations.replace(appId, [{ url: 'procfile', name: 'procfile' }]), [{ ordinal: 1, buildpack: { url: 'procfile', name: 'procfile' } }]);
      assert.deepEqual(await store.buildpackInstallations.replace(appId, []), []);
      assert.equal((await store.buildpackInstallations.list(other.appId)).length, 1, "another app's buildpacks stay");
    });
  });
}

export function cascadeContract({ open }: ContractContext): void {
  describe('deleting an app', () => {
    it('removes its config, slugs, releases, builds, formation and buildpacks, and nothing of other apps', async () => {
      const store = await open();
      const doomed = await appWithOwner(store, 'doomed');
      const kept = await appWithOwner(store, 'kept');
      for (const { appId, user } of [doomed, kept]) {
        const slug = await uploadedSlug(store, appId, { web: 'w', worker: 'k' });
        const build = await store.builds.create({ appId, sourceBlob: SOURCE, buildpacks: [], user, stack: STACK });
        await store.releases.create({ appId, description: 'Set A config vars', user, configVars: { A: '1' } });
        const release = await store.releases.create({ appId, slugId: slug.id, description: 'Deploy', user });
        await store.builds.finish(build.id, { status: 'succeeded', slugId: slug.id, releaseId: release.id });
        await store.releases.create({ appId, description: 'Rollback to v1', user, slugId: slug.id, configVars: {} });
        await store.buildpackInstallations.replace(appId, [{ url: 'nodejs', name: 'nodejs' }]);
        await store.formations.scale(appId, [{ type: 'worker', quantity: { kind: 'absolute', value: 2 } }]);
      }
      const slugId = (await store.releases.current(doomed.appId))?.slugId as string;
      const buildId = (await store.builds.list(doomed.appId, { field: 'created_at', startExclusive: false, max: 10, order: 'asc' })).items[0]?.id as string;
      assert.equal(await store.apps.delete(doomed.appId), true);

      assert.deepEqual({ ...(await store.configVars.get(doomed.appId)) }, {});
      assert.equal(await store.slugs.findById(slugId), undefined);
      assert.deepEqual(await store.slugs.blobKeysForApp(doomed.appId), []);
      assert.equal(await store.releases.current(doomed.appId), undefined);
      assert.deepEqual((await store.releases.list(doomed.appId, { field: 'version', startExclusive: false, max: 10, order: 'asc' })).items, []);
      assert.equal(await store.builds.findById(buildId), undefined);
      assert.deepEqual(await store.formations.list(doomed.appId), []);
      assert.deepEqual(await store.buildpackInstallations.list(doomed.appId), []);

      assert.equal((await store.releases.current(kept.appId))?.version, 3);
      assert.deepEqual((await store.formations.list(kept.appId)).map((f) => [f.type, f.quantity]), [['web', 1], ['worker', 2]]);
      assert.equal((await store.buildpackInstallations.list(kept.appId)).length, 1);
      assert.equal((await store.slugs.blobKeysForApp(kept.appId)).length, 1);
    });
  });
}
