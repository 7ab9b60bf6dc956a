// The Store contract, part 2: accounts and authorizations (API keys).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { account, platformError, steppingClock, type ContractContext } from './contract-support.js';

export function accountsContract({ open }: ContractContext): void {
  describe('accounts', () => {
    it('an account can be found by id and by email in any case', async () => {
      const store = await open(steppingClock());
      const created = await store.accounts.create({ email: 'Ada@Example.COM', name: 'Ada', passwordHash: 'scrypt$x' });
      assert.deepEqual(created, {
        id: '00000000-0000-4000-8000-000000000001',
        email: 'ada@example.com',
        name: 'Ada',
        isAdmin: false,
        passwordHash: 'scrypt$x',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      });
      assert.deepEqual(await store.accounts.findById(created.id), created);
      assert.deepEqual(await store.accounts.findByEmail('ada@example.com'), created);
      assert.deepEqual(await store.accounts.findByEmail('ADA@example.Com'), created);
    });

    it('a missing account is undefined, not an error', async () => {
      const store = await open();
      assert.equal(await store.accounts.findById('00000000-0000-4000-8000-000000000000'), undefined);
      assert.equal(await store.accounts.findByEmail('nobody@example.com'), undefined);
    });

    it('name defaults to null and isAdmin to false, and an admin stays an admin', async () => {
      const store = await open();
      const plain = await store.accounts.create({ email: 'plain@example.com', passwordHash: null });
      assert.equal(plain.name, null);
      assert.equal(plain.isAdmin, false);
      assert.equal(plain.passwordHash, null);
      const admin = await store.accounts.create({ email: 'root@example.com', passwordHash: null, isAdmin: true });
      assert.equal((await store.accounts.findById(admin.id))?.isAdmin, true);
    });

    it('a second account for the same email, in any case, is a conflict', async () => {
      const store = await open();
      await account(store, 'ada@example.com');
      await assert.rejects(account(store, 'ADA@example.com'), platformError('conflict', /ada@example\.com/));
      assert.equal(await store.accounts.count(), 1);
    });

    it('name and password hash can be updated, moving updatedAt but not createdAt', async () => {
      const store = await open(steppingClock());
      const created = await account(store);
      const renamed = await store.accounts.update(created.id, { name: 'Ada L.' });
      assert.equal(renamed.name, 'Ada L.');
      assert.equal(renamed.passwordHash, null);
      const rehashed = await store.accounts.update(created.id, { passwordHash: 'scrypt$new' });
      assert.deepEqual(rehashed, {
        ...created,
        name: 'Ada L.',
        passwordHash: 'scrypt$new',
        updatedAt: '2024-01-01T00:00:02.000Z',
      });
      assert.deepEqual(await store.accounts.findById(created.id), rehashed);
    });

    it('an email can be changed, but not to one another account has', async () => {
      const store = await open();
      const ada = await account(store, 'ada@example.com');
      await account(store, 'grace@example.com');
      assert.equal((await store.accounts.update(ada.id, { email: 'Countess@Example.com' })).email, 'countess@example.com');
      await assert.rejects(store.accounts.update(ada.id, { email: 'GRACE@example.com' }), platformError('conflict'));
      assert.equal((await store.accounts.findById(ada.id))?.email, 'countess@example.com');
    });

    it('updating a missing account is not_found', async () => {
      const store = await open();
      await assert.rejects(store.accounts.update('00000000-0000-4000-8000-000000000000', { name: 'x' }), platformError('not_found'));
    });

    it('count counts every account', async () => {
      const store = await open();
      assert.equal(await store.accounts.count(), 0);
      for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await account(store, email);
      assert.equal(await store.accounts.count(), 3);
    });
  });
}

export function authorizationsContract({ open }: ContractContext): void {
  describe('authorizations', () => {
    const key = (accountId: string, tokenHash: string, description = 'key') => ({
      accountId,
      description,
      tokenHash,
      scope: ['global'],
      expiresAt: null,
    });

    it('an authorization can be found by id and by token hash', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const created = await store.authorizations.create({ ...key(ada.id, 'hash-1', 'laptop'), scope: ['read', 'write'], expiresAt: '2025-01-01T00:00:00.000Z' });
      assert.deepEqual(created, {
        id: '00000000-0000-4000-8000-000000000002',
        accountId: ada.id,
        description: 'laptop',
        tokenHash: 'hash-1',
        scope: ['read', 'write'],
        expiresAt: '2025-01-01T00:00:00.000Z',
        session: false,
        createdAt: '2024-01-01T00:00:01.000Z',
        updatedAt: '2024-01-01T00:00:01.000Z',
      });
      assert.deepEqual(await store.authorizations.findById(created.id), created);
      assert.deepEqual(await store.authorizations.findByTokenHash('hash-1'), created);
      assert.equal(await store.authorizations.findByTokenHash('hash-2'), undefined);
      assert.equal(await store.authorizations.findById('00000000-0000-4000-8000-000000000000'), undefined);
    });

    it("an account's authorizations are listed in creation order, not id order", async () => {
      const store = await open(steppingClock('descending'));
      const ada = await account(store, 'ada@example.com');
      const grace = await account(store, 'grace@example.com');
      await store.authorizations.create(key(ada.id, 'h1', 'first'));
      await store.authorizations.create(key(grace.id, 'h2', 'not ada'));
      await store.authorizations.create(key(ada.id, 'h3', 'second'));
      await store.authorizations.create(key(ada.id, 'h4', 'third'));
      const listed = await store.authorizations.listForAccount(ada.id);
      assert.deepEqual(listed.map((a) => a.description), ['first', 'second', 'third']);
      assert.deepEqual(await store.authorizations.listForAccount('00000000-0000-4000-8000-000000000000'), []);
    });

    it('a second authorization with the same token hash is a conflict', async () => {
      const store = await open();
      const ada = await account(store);
      await store.authorizations.create(key(ada.id, 'same'));
      await assert.rejects(store.authorizations.create(key(ada.id, 'same')), platformError('conflict'));
      assert.equal((await store.authorizations.listForAccount(ada.id)).length, 1);
    });

    it('an authorization a login minted is marked as a session; others are not', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const login = await store.authorizations.create({ ...key(ada.id, 'login-hash', 'Heroku CLI login'), session: true });
      const script = await store.authorizations.create(key(ada.id, 'script-hash', 'CI'));
      assert.equal((await store.authorizations.findByTokenHash('login-hash'))?.session, true);
      assert.equal((await store.authorizations.findById(script.id))?.session, false);
      assert.deepEqual((await store.authorizations.listForAccount(ada.id)).map((a) => [a.id, a.session]), [[login.id, true], [script.id, false]]);
    });

    it('updating an authorization changes its description and key and keeps everything else', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const created = await store.authorizations.create({ ...key(ada.id, 'old-hash', 'laptop'), session: true });
      const renamed = await store.authorizations.update(created.id, { description: 'desktop' });
      assert.deepEqual(renamed, { ...created, description: 'desktop', updatedAt: renamed?.updatedAt });
      assert.ok(renamed && renamed.updatedAt > created.updatedAt);
      const rotated = await store.authorizations.update(created.id, { tokenHash: 'new-hash' });
      assert.equal(rotated?.tokenHash, 'new-hash');
      assert.equal(rotated?.description, 'desktop');
      assert.equal(await store.authorizations.findByTokenHash('old-hash'), undefined);
      assert.equal((await store.authorizations.findByTokenHash('new-hash'))?.id, created.id);
      assert.equal(await store.authorizations.update('00000000-0000-4000-8000-000000000000', { description: 'x' }), undefined);
    });

    it('deleting an authorization returns true, then false, and it is gone', async () => {
      const store = await open();
      const ada = await account(store);
      const doomed = await store.authorizations.create(key(ada.id, 'doomed'));
      const kept = await store.authorizations.create(key(ada.id, 'kept'));
      assert.equal(await store.authorizations.delete(doomed.id), true);
      assert.equal(await store.authorizations.delete(doomed.id), false);
      assert.equal(await store.authorizations.findById(doomed.id), undefined);
      assert.equal(await store.authorizations.findByTokenHash('doomed'), undefined);
      assert.deepEqual(await store.authorizations.listForAccount(ada.id), [kept]);
    });
  });
}
