// The Store contract: dashboard sessions (the browser's cookie, stored hashed).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { account, platformError, steppingClock, type ContractContext } from './contract-support.js';

export function dashboardSessionsContract({ open }: ContractContext): void {
  describe('dashboard sessions', () => {
    it('finds a session by its token hash and deletes it once', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const made = await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'h1', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-02T00:00:00.000Z' });
      const found = await store.dashboardSessions.findByTokenHash('h1');
      assert.deepEqual(found, made);
      assert.equal(found?.lastUsedAt, '2024-01-01T00:00:00.000Z', 'first used when made');
      assert.equal(await store.dashboardSessions.findByTokenHash('h2'), undefined);
      await assert.rejects(store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'h1', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-02T00:00:00.000Z' }), platformError('conflict'));
      assert.equal(await store.dashboardSessions.delete(made.id), true);
      assert.equal(await store.dashboardSessions.delete(made.id), false);
      assert.equal(await store.dashboardSessions.findByTokenHash('h1'), undefined);
    });

    it('records a use, and deletes sessions past their absolute expiry or idle since the cutoff', async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const stale = await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'stale', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      const old = await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'old', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-01T06:00:00.000Z' });
      const used = await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'used', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      await store.dashboardSessions.touch(used.id, '2024-01-01T07:00:00.000Z');
      assert.equal((await store.dashboardSessions.findByTokenHash('used'))?.lastUsedAt, '2024-01-01T07:00:00.000Z');
      assert.equal(await store.dashboardSessions.deleteExpired('2024-01-01T07:30:00.000Z', '2024-01-01T05:30:00.000Z'), 2);
      assert.equal(await store.dashboardSessions.findByTokenHash(stale.tokenHash), undefined, 'idle since before the cutoff');
      assert.equal(await store.dashboardSessions.findByTokenHash(old.tokenHash), undefined, 'past its absolute expiry');
      assert.equal((await store.dashboardSessions.findByTokenHash('used'))?.id, used.id);
    });

    it("ends with the API key it was opened with, and all of an account's sessions (but one, if asked) end together", async () => {
      const store = await open(steppingClock());
      const ada = await account(store);
      const key = await store.authorizations.create({ accountId: ada.id, description: 'k', tokenHash: 'key-hash', scope: ['global'], expiresAt: null });
      await store.dashboardSessions.create({ accountId: ada.id, authorizationId: key.id, tokenHash: 'by-key', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'by-password', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      const other = await store.authorizations.create({ accountId: ada.id, description: 'k2', tokenHash: 'key-hash-2', scope: ['global'], expiresAt: null });
      await store.dashboardSessions.create({ accountId: ada.id, authorizationId: other.id, tokenHash: 'by-other-key', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      assert.equal(await store.dashboardSessions.deleteForAuthorization(other.id), 1);
      assert.equal(await store.dashboardSessions.findByTokenHash('by-other-key'), undefined);
      assert.ok(await store.dashboardSessions.findByTokenHash('by-key'), 'only the sessions of that key');
      await store.authorizations.delete(key.id);
      assert.equal(await store.dashboardSessions.findByTokenHash('by-key'), undefined);
      assert.ok(await store.dashboardSessions.findByTokenHash('by-password'));
      const second = await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'second', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      assert.equal(await store.dashboardSessions.deleteForAccount(ada.id, second.id), 1, 'all but the one kept');
      assert.ok(await store.dashboardSessions.findByTokenHash('second'));
      await store.dashboardSessions.create({ accountId: ada.id, authorizationId: null, tokenHash: 'third', createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-09T00:00:00.000Z' });
      assert.equal(await store.dashboardSessions.deleteForAccount(ada.id), 2);
      assert.equal(await store.dashboardSessions.findByTokenHash('second'), undefined);
    });
  });
}
