// git push and fetch under the access policy: the resolver bin/berth up gives the git service,
// over a real store, for an owner, a collaborator, a view-only team member and a stranger.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitAppResolver } from '../../src/main/git-app-resolver.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';

let dir: string;
let store: KyselyStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-git-policy-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const newAccount = (email: string) => store.accounts.create({ email, passwordHash: null });

describe('git access through the policy', () => {
  it('lets the owner and a collaborator push and fetch, refuses a view-only member with the policy message, hides the app from strangers', async () => {
    const resolve = gitAppResolver(store);
    const owner = await newAccount('git-owner@example.com');
    const mate = await newAccount('git-mate@example.com');
    const viewer = await newAccount('git-viewer@example.com');
    const stranger = await newAccount('git-stranger@example.com');
    const personal = await store.apps.create({ name: 'git-personal', ownerId: owner.id, region: 'local', stack: 'heroku-24' });
    await store.collaborators.add({ appId: personal.id, accountId: mate.id, permissions: ['view', 'deploy', 'operate'] });
    const team = await store.teams.create('git-crew', owner.id);
    await store.teams.putMember(team.id, viewer.id, 'member');
    const teamApp = await store.apps.create({ name: 'git-team-app', ownerId: owner.id, region: 'local', stack: 'heroku-24', teamId: team.id });

    for (const access of ['push', 'pull'] as const) {
      assert.deepEqual(await resolve('git-personal', owner.id, access), { appId: personal.id, appName: 'git-personal' });
      assert.deepEqual(await resolve('git-personal', mate.id, access), { appId: personal.id, appName: 'git-personal' });
      assert.deepEqual(await resolve('git-team-app', owner.id, access), { appId: teamApp.id, appName: 'git-team-app' }, 'a team admin');
      const refused = await resolve('git-team-app', viewer.id, access);
      assert.ok(typeof refused === 'object' && 'refused' in refused, JSON.stringify(refused));
      assert.match(refused.refused, /needs the deploy permission on git-team-app; you have view/);
      assert.equal(await resolve('git-personal', stranger.id, access), 'not_found');
      assert.equal(await resolve('no-such-app', owner.id, access), 'not_found');
    }
  });
});
