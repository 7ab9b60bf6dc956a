// The Store contract, part 4: config vars and releases (append-only vN, current, rollback data).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyConfigPatch } from '../../src/core/config-vars.js';
import type { Release } from '../../src/store/port.js';
import { platformError, STACK, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner, SHA, uploadedSlug } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

export function releasesContract({ open }: ContractContext): void {
  describe('config vars and releases', () => {
    it('an app starts with no config and no release', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      assert.deepEqual({ ...(await store.configVars.get(appId)) }, {});
      assert.equal(await store.releases.current(appId), undefined);
      assert.deepEqual((await store.releases.list(appId, { field: 'version', startExclusive: false, max: 10, order: 'asc' })).items, []);
    });

    it('releases get versions 1, 2, 3 with every field round-tripping', async () => {
      const store = await open(steppingClock());
      const { appId, user } = await appWithOwner(store);
      const v1 = await store.releases.create({ appId, description: 'Initial release', user });
      assert.deepEqual({ ...v1, configVars: { ...v1.configVars } }, {
        id: '00000000-0000-4000-8000-000000000003',
        appId,
        version: 1,
        slugId: null,
        configVars: {},
        description: 'Initial release',
        status: 'succeeded',
        userId: user.id,
        userEmail: user.email,
        releaseCommand: null,
        addonPlanNames: [],
        createdAt: '2024-01-01T00:00:02.000Z',
        updatedAt: '2024-01-01T00:00:02.000Z',
        slugPrunedAt: null,
        stack: null,
      });
      const v2 = await store.releases.create({ appId, description: 'Set FOO config vars', user, configVars: { FOO: 'bar' }, addonPlanNames: ['heroku-postgresql:mini'] });
      const v3 = await store.releases.create({ appId, description: 'Deploy', user: null });
      assert.deepEqual([v1.version, v2.version, v3.version], [1, 2, 3]);
      assert.deepEqual({ ...v3.configVars }, { FOO: 'bar' }, 'a release without configVars carries the app config');
      assert.deepEqual(v3.addonPlanNames, ['heroku-postgresql:mini'], 'add-on plans carry over');
      assert.equal(v3.userEmail, null);
      assert.deepEqual(await store.releases.findById(appId, v2.id), v2);
      assert.deepEqual(await store.releases.findByVersion(appId, 2), v2);
      assert.deepEqual(await store.releases.current(appId), v3);
    });

    it('a release with config vars makes them the app config; one without keeps it', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await store.releases.create({ appId, description: 'Set A, B config vars', user, configVars: { A: '1', B: 'two words' } });
      assert.deepEqual({ ...(await store.configVars.get(appId)) }, { A: '1', B: 'two words' });
      await store.releases.create({ appId, description: 'Deploy', user });
      assert.deepEqual({ ...(await store.configVars.get(appId)) }, { A: '1', B: 'two words' });
      await store.releases.create({ appId, description: 'Remove A config vars', user, configVars: { B: 'two words' } });
      assert.deepEqual({ ...(await store.configVars.get(appId)) }, { B: 'two words' });
      assert.deepEqual({ ...(await store.releases.findByVersion(appId, 1))?.configVars }, { A: '1', B: 'two words' }, 'old snapshots stay as they were');
    });

    it('config values keep unicode, newlines and names like __proto__ exactly', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const vars = applyConfigPatch({}, JSON.parse('{"__proto__":"p","constructor":"c","MULTI":"line 1\\nline 2","EMOJI":"ünïcødé 🚢"}') as Record<string, unknown>).next;
      await store.releases.create({ appId, description: 'Set', user, configVars: vars });
      const stored = await store.configVars.get(appId);
      assert.deepEqual(Object.entries(stored).sort(), Object.entries(vars).sort());
      assert.equal(Object.keys(stored).length, 4);
    });

    it('a release without a slug keeps the current slug; a config release after a deploy runs the same code', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const slug = await uploadedSlug(store, appId);
      const deploy = await store.releases.create({ appId, slugId: slug.id, description: 'Deploy abc1234', user });
      assert.equal(deploy.slugId, slug.id);
      const config = await store.releases.create({ appId, description: 'Set X config vars', user, configVars: { X: '1' } });
      assert.equal(config.slugId, slug.id);
      const none = await store.releases.create({ appId, slugId: null, description: 'No code', user });
      assert.equal(none.slugId, null);
    });

    it('a slug with a release phase makes a pending release that is not current until it succeeds', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const plain = await uploadedSlug(store, appId);
      const v1 = await store.releases.create({ appId, slugId: plain.id, description: 'Deploy', user });
      const phased = await uploadedSlug(store, appId, { web: 'node server.js', release: 'node migrate.js' });
      const v2 = await store.releases.create({ appId, slugId: phased.id, description: 'Deploy', user });
      assert.equal(v2.status, 'pending');
      assert.equal(v2.releaseCommand, 'node migrate.js');
      assert.equal((await store.releases.current(appId))?.id, v1.id, 'the previous release stays current');
      const done = await store.releases.finish(v2.id, 'succeeded');
      assert.equal(done?.status, 'succeeded');
      assert.equal((await store.releases.current(appId))?.id, v2.id);
      assert.equal((await store.releases.finish(v2.id, 'failed'))?.status, 'succeeded', 'a finished release stays finished');
      assert.equal(await store.releases.finish(MISSING, 'failed'), undefined);
    });

    it('a failed release phase leaves the previous release current', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const v1 = await store.releases.create({ appId, slugId: (await uploadedSlug(store, appId)).id, description: 'Deploy', user });
      const phased = await uploadedSlug(store, appId, { web: 'x', release: 'exit 1' });
      const v2 = await store.releases.create({ appId, slugId: phased.id, description: 'Deploy', user });
      assert.equal((await store.releases.finish(v2.id, 'failed'))?.status, 'failed');
      assert.equal((await store.releases.current(appId))?.id, v1.id);
      const v3 = await store.releases.create({ appId, description: 'Set A config vars', user, configVars: { A: '1' } });
      assert.equal(v3.slugId, v1.slugId, 'the next config release keeps the slug of the current release, not of the failed one');
    });

    it('status can be given explicitly', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const failed = await store.releases.create({ appId, description: 'Broken', user, status: 'failed' });
      assert.equal(failed.status, 'failed');
      assert.equal(await store.releases.current(appId), undefined);
    });

    it('failStale fails every pending release and returns their ids', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const pending = await store.releases.create({ appId, description: 'Deploy', user, status: 'pending' });
      await store.releases.create({ appId, description: 'Fine', user });
      assert.deepEqual(await store.releases.failStale(), [pending.id]);
      assert.equal((await store.releases.findById(appId, pending.id))?.status, 'failed');
      assert.deepEqual(await store.releases.failStale(), []);
    });

    it('a slug of another app, a missing slug, a slug not uploaded and a missing app are refused', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store, 'mine');
      const other = await appWithOwner(store, 'theirs');
      const theirs = await uploadedSlug(store, other.appId);
      await assert.rejects(store.releases.create({ appId, slugId: theirs.id, description: 'x', user }), platformError('not_found', /slug/));
      await assert.rejects(store.releases.create({ appId, slugId: MISSING, description: 'x', user }), platformError('not_found', /slug/));
      const empty = await store.slugs.create({ appId, processTypes: { web: 'x' }, stack: 'heroku-24' });
      await assert.rejects(store.releases.create({ appId, slugId: empty.id, description: 'x', user }), platformError('invalid_params', /upload/));
      await assert.rejects(store.releases.create({ appId: MISSING, description: 'x', user }), platformError('not_found', /app/));
      assert.equal(await store.releases.current(appId), undefined, 'refused releases leave nothing');
      assert.equal((await store.releases.create({ appId, description: 'ok', user })).version, 1, 'and use no version');
    });

    it('a release records its slug\'s stack, and a slug of another stack than the app\'s is refused', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store, 'stacked');
      const slug = await uploadedSlug(store, appId);
      const release = await store.releases.create({ appId, slugId: slug.id, description: 'deploy', user });
      assert.equal(release.stack, STACK);
      assert.equal((await store.releases.create({ appId, description: 'config only', user })).stack, STACK, 'a config release keeps the slug');
      assert.equal((await store.releases.create({ appId, slugId: null, description: 'empty', user })).stack, null);
      const foreign = await store.slugs.create({ appId, processTypes: { web: 'x' }, stack: 'cedar-14', size: 10, checksum: SHA });
      await assert.rejects(store.releases.create({ appId, slugId: foreign.id, description: 'x', user }), platformError('stack_mismatch', /built for stack cedar-14 and stacked runs/));
      assert.equal((await store.releases.current(appId))?.description, 'empty', 'the refused release left nothing');
      // The build stack (stack:set) may run: releasing its slug moves the app onto it.
      await store.apps.update(appId, { buildStack: 'cedar-14' });
      await store.releases.create({ appId, slugId: foreign.id, description: 'moved', user });
      assert.equal((await store.apps.findById(appId))?.stack, 'cedar-14');
    });

    it('releases are per app and found only through their own app', async () => {
      const store = await open();
      const a = await appWithOwner(store, 'app-a');
      const b = await appWithOwner(store, 'app-b');
      const ra = await store.releases.create({ appId: a.appId, description: 'a', user: a.user });
      const rb = await store.releases.create({ appId: b.appId, description: 'b', user: b.user });
      assert.equal(ra.version, 1);
      assert.equal(rb.version, 1);
      assert.equal(await store.releases.findById(b.appId, ra.id), undefined);
      assert.equal(await store.releases.findByVersion(a.appId, 2), undefined);
    });

    it('releases page by version in both orders with a cursor', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      for (let i = 1; i <= 12; i++) await store.releases.create({ appId, description: `r${i}`, user });
      const versions = (rs: Release[]) => rs.map((r) => r.version);
      const first = await store.releases.list(appId, { field: 'version', startExclusive: false, max: 5, order: 'desc' });
      assert.deepEqual(versions(first.items), [12, 11, 10, 9, 8]);
      assert.equal(first.nextAfter, '8');
      const second = await store.releases.list(appId, { field: 'version', start: '8', startExclusive: true, max: 5, order: 'desc' });
      assert.deepEqual(versions(second.items), [7, 6, 5, 4, 3]);
      const asc = await store.releases.list(appId, { field: 'version', start: '9', startExclusive: false, max: 10, order: 'asc' });
      assert.deepEqual(versions(asc.items), [9, 10, 11, 12], 'versions compare as numbers, not text');
      assert.equal(asc.nextAfter, undefined);
      const bounded = await store.releases.list(appId, { field: 'version', start: '2', end: '10', startExclusive: false, max: 100, order: 'asc' });
      assert.deepEqual(versions(bounded.items), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('current summaries give each app its current release time and slug size', async () => {
      const store = await open(steppingClock());
      const a = await appWithOwner(store, 'app-a');
      const b = await appWithOwner(store, 'app-b');
      const c = await appWithOwner(store, 'app-c');
      const slug = await store.slugs.create({ appId: a.appId, processTypes: { web: 'x' }, stack: 'heroku-24', size: 4096, checksum: SHA, buildpackProvidedDescription: 'Node.js' });
      await store.releases.create({ appId: a.appId, description: 'Initial', user: a.user });
      const deploy = await store.releases.create({ appId: a.appId, slugId: slug.id, description: 'Deploy', user: a.user });
      await store.releases.create({ appId: a.appId, description: 'Pending', user: a.user, status: 'pending' });
      const only = await store.releases.create({ appId: b.appId, description: 'Initial', user: b.user });
      const summaries = await store.releases.currentSummaries([a.appId, b.appId, c.appId]);
      assert.deepEqual(summaries.get(a.appId), { version: 2, releasedAt: deploy.updatedAt, slugSize: 4096, buildpackProvidedDescription: 'Node.js' });
      assert.deepEqual(summaries.get(b.appId), { version: 1, releasedAt: only.updatedAt, slugSize: null, buildpackProvidedDescription: null });
      assert.equal(summaries.has(c.appId), false);
      assert.equal((await store.releases.currentSummaries([])).size, 0);
    });
  });

  describe('concurrent config changes', () => {
    it('20 concurrent read-modify-write config changes get versions 1..20 and lose no variable', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const releases = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transaction(async (tx) => {
            const current = await tx.configVars.lock(appId);
            const change = applyConfigPatch(current, { [`VAR_${i}`]: String(i) });
            return tx.releases.create({ appId, description: `Set VAR_${i} config vars`, user, configVars: change.next });
          }),
        ),
      );
      assert.deepEqual(releases.map((r) => r.version).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
      const config = await store.configVars.get(appId);
      assert.equal(Object.keys(config).length, 20);
      const newest = await store.releases.findByVersion(appId, 20);
      assert.equal(Object.keys(newest?.configVars ?? {}).length, 20, 'the last release carries every variable');
    });

    it('concurrent releases without a transaction of their own still get distinct versions', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      const releases = await Promise.all(Array.from({ length: 15 }, (_, i) => store.releases.create({ appId, description: `r${i}`, user })));
      assert.deepEqual(releases.map((r) => r.version).sort((x, y) => x - y), Array.from({ length: 15 }, (_, i) => i + 1));
    });

    it('a transaction that fails after creating a release rolls back the release, its version and the config', async () => {
      const store = await open();
      const { appId, user } = await appWithOwner(store);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.releases.create({ appId, description: 'Set A', user, configVars: { A: '1' } });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual({ ...(await store.configVars.get(appId)) }, {});
      assert.equal((await store.releases.create({ appId, description: 'next', user })).version, 1);
    });

    it('locking the config of a missing app is not_found', async () => {
      const store = await open();
      await assert.rejects(store.transaction((tx) => tx.configVars.lock(MISSING)), platformError('not_found'));
    });
  });
}
