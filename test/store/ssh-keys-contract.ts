// The Store contract: SSH public keys of accounts (git over SSH).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';

const key = (accountId: string, n: number) => ({
  accountId,
  sha256: `SHA256:key${n}`,
  fingerprint: `aa:bb:${String(n).padStart(2, '0')}`,
  publicKey: `ssh-ed25519 AAAA${n} dev${n}@example.test`,
  comment: `dev${n}@example.test`,
});

async function twoAccounts(store: Store) {
  const a = await store.accounts.create({ email: `keys-a-${Date.now()}@example.test`, passwordHash: null });
  const b = await store.accounts.create({ email: `keys-b-${Date.now()}@example.test`, passwordHash: null });
  return { a, b };
}

export function sshKeysContract({ open }: ContractContext): void {
  describe('ssh keys', () => {
    it("lists an account's keys oldest first and finds each by id, MD5 or SHA256 fingerprint, only within that account", async () => {
      const store = await open(steppingClock());
      const { a, b } = await twoAccounts(store);
      const first = await store.sshKeys.create(key(a.id, 1));
      const second = await store.sshKeys.create(key(a.id, 2));
      await store.sshKeys.create(key(b.id, 3));
      assert.deepEqual((await store.sshKeys.listForAccount(a.id)).map((k) => k.id), [first.id, second.id]);
      assert.equal((await store.sshKeys.findForAccount(a.id, first.id))?.sha256, 'SHA256:key1');
      assert.equal((await store.sshKeys.findForAccount(a.id, 'aa:bb:02'))?.id, second.id);
      assert.equal((await store.sshKeys.findForAccount(a.id, 'SHA256:key2'))?.id, second.id);
      assert.equal(await store.sshKeys.findForAccount(b.id, first.id), undefined, "another account's key is not found");
      assert.equal((await store.sshKeys.findBySha256('SHA256:key3'))?.accountId, b.id);
    });

    it('refuses a key whose SHA256 fingerprint is registered already, on the same or another account, with conflict', async () => {
      const store = await open(steppingClock());
      const { a, b } = await twoAccounts(store);
      await store.sshKeys.create(key(a.id, 1));
      await assert.rejects(store.sshKeys.create(key(a.id, 1)), platformError('conflict'));
      await assert.rejects(store.sshKeys.create(key(b.id, 1)), platformError('conflict'));
      assert.equal((await store.sshKeys.listForAccount(b.id)).length, 0);
    });

    it('deletes a key once (true, then false)', async () => {
      const store = await open(steppingClock());
      const { a } = await twoAccounts(store);
      const k = await store.sshKeys.create(key(a.id, 1));
      assert.equal(await store.sshKeys.delete(k.id), true);
      assert.equal(await store.sshKeys.delete(k.id), false);
      assert.equal(await store.sshKeys.findBySha256(k.sha256), undefined);
    });
  });
}
