// The Store contract, part 9: sharing apps: collaborators, teams, members and invitations, and
// the `accessibleBy` filter of app lists.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { PageRequest } from '../../src/core/range.js';
import { account, app, platformError, steppingClock, type ContractContext } from './contract-support.js';

const page: PageRequest = { field: 'name', order: 'asc', max: 100, startExclusive: false };

export function accessContract({ open }: ContractContext): void {
  describe('collaborators', () => {
    it('a collaborator round-trips with its permissions, once per app and account', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const shared = await app(store, 'shared', ada.id);
      const added = await store.collaborators.add({ appId: shared.id, accountId: bob.id, permissions: ['view', 'deploy', 'operate'] });
      assert.deepEqual(added, { id: added.id, appId: shared.id, accountId: bob.id, permissions: ['view', 'deploy', 'operate'], createdAt: added.createdAt, updatedAt: added.createdAt });
      assert.deepEqual(await store.collaborators.find(shared.id, bob.id), added);
      assert.deepEqual(await store.collaborators.listForApp(shared.id), [added]);
      await assert.rejects(store.collaborators.add({ appId: shared.id, accountId: bob.id, permissions: ['view'] }), platformError('conflict'));
      const changed = await store.collaborators.setPermissions(added.id, ['view', 'manage']);
      assert.deepEqual(changed?.permissions, ['view', 'manage']);
      assert.equal(await store.collaborators.remove(added.id), true);
      assert.equal(await store.collaborators.find(shared.id, bob.id), undefined);
      assert.equal(await store.collaborators.remove(added.id), false);
    });

    it('deleting the app or the account removes its collaborator rows', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const shared = await app(store, 'shared', ada.id);
      await store.collaborators.add({ appId: shared.id, accountId: bob.id, permissions: ['view'] });
      await store.apps.delete(shared.id);
      assert.deepEqual(await store.collaborators.listForApp(shared.id), []);
    });

    it('accessibleBy lists the apps an account owns, collaborates on, or whose team it is in', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const eve = await account(store, 'eve@example.com');
      await app(store, 'ada-own', ada.id);
      const shared = await app(store, 'ada-shared', ada.id);
      await app(store, 'bob-own', bob.id);
      const team = await store.teams.create('crew', bob.id);
      await store.apps.create({ name: 'crew-app', ownerId: bob.id, region: 'local', stack: 'heroku-24', teamId: team.id });
      await store.collaborators.add({ appId: shared.id, accountId: bob.id, permissions: ['view'] });
      const names = async (accessibleBy: string) => (await store.apps.list({ accessibleBy }, page)).items.map((a) => a.name);
      assert.deepEqual(await names(ada.id), ['ada-own', 'ada-shared']);
      assert.deepEqual(await names(bob.id), ['ada-shared', 'bob-own', 'crew-app']);
      assert.deepEqual(await names(eve.id), []);
      assert.deepEqual((await store.apps.list({ ownerId: bob.id }, page)).items.map((a) => a.name), ['bob-own'], 'team apps are not personal apps');
      assert.deepEqual((await store.apps.list({ teamId: team.id }, page)).items.map((a) => a.name), ['crew-app']);
      await store.teams.putMember(team.id, eve.id, 'member');
      assert.deepEqual(await names(eve.id), ['crew-app']);
    });
  });

  describe('teams', () => {
    it('a team starts with its creator as admin; names are unique; members change role and leave', async () => {
      const store = await open(steppingClock());
      const ada = await account(store, 'ada@example.com');
      const bob = await account(store, 'bob@example.com');
      const team = await store.teams.create('crew', ada.id);
      assert.deepEqual(await store.teams.findByName('crew'), team);
      assert.deepEqual(await store.teams.findById(team.id), team);
      await assert.rejects(store.teams.create('crew', bob.id), platformError('conflict', /crew/));
      assert.deepEqual((await store.teams.members(team.id)).map((m) => [m.accountId, m.role]), [[ada.id, 'admin']]);
      assert.equal((await store.teams.putMember(team.id, bob.id, 'member')).created, true);
      assert.equal((await store.teams.putMember(team.id, bob.id, 'admin')).created, false);
      assert.equal((await store.teams.member(team.id, bob.id))?.role, 'admin');
      assert.deepEqual((await store.teams.list({ memberId: bob.id })).map((t) => t.name), ['crew']);
      assert.equal(await store.teams.removeMember(team.id, bob.id), true);
      assert.deepEqual(await store.teams.list({ memberId: bob.id }), []);
      const other = await store.teams.create('other', bob.id);
      await assert.rejects(store.teams.rename(other.id, 'crew'), platformError('conflict'));
      assert.equal((await store.teams.rename(other.id, 'renamed')).name, 'renamed');
    });

    it('a team that owns apps cannot be deleted; an empty one can', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const team = await store.teams.create('crew', ada.id);
      const owned = await store.apps.create({ name: 'crew-app', ownerId: ada.id, region: 'local', stack: 'heroku-24', teamId: team.id });
      await assert.rejects(store.teams.delete(team.id), platformError('conflict'));
      await store.apps.delete(owned.id);
      assert.equal(await store.teams.delete(team.id), true);
      assert.equal(await store.teams.findById(team.id), undefined);
    });

    it('an invitation is found by its token hash and replaced by a new one for the same email', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      const team = await store.teams.create('crew', ada.id);
      const first = await store.teams.invite({ teamId: team.id, email: 'new@example.com', role: 'member', tokenHash: 'h1', invitedBy: ada.id, expiresAt: '2030-01-01T00:00:00.000Z' });
      assert.deepEqual(await store.teams.findInvitation('h1'), first);
      const second = await store.teams.invite({ teamId: team.id, email: 'new@example.com', role: 'admin', tokenHash: 'h2', invitedBy: ada.id, expiresAt: '2030-01-01T00:00:00.000Z' });
      assert.equal(await store.teams.findInvitation('h1'), undefined);
      assert.deepEqual(await store.teams.invitations(team.id), [second]);
      assert.equal(await store.teams.removeInvitation(second.id), true);
      assert.deepEqual(await store.teams.invitations(team.id), []);
    });
  });
}
