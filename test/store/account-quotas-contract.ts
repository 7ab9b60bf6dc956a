// The Store contract: admin-set account quotas (defaults when none is set).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_QUOTA } from '../../src/core/account-quota.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';

export function accountQuotasContract({ open }: ContractContext): void {
  describe('account quotas', () => {
    it('answers the defaults until an admin sets a quota, then the quota, which a second set replaces', async () => {
      const store = await open(steppingClock());
      const account = await store.accounts.create({ email: `quota-${Date.now()}@example.test`, passwordHash: null });
      assert.deepEqual(await store.accountQuotas.get(account.id), DEFAULT_QUOTA);
      const set = { maxSize: 'performance-l' as const, maxQuantityPerType: 50, maxOneOffsPerApp: 5, maxOneOffsPerAccount: 20 };
      assert.deepEqual(await store.accountQuotas.set(account.id, set), set);
      assert.deepEqual(await store.accountQuotas.get(account.id), set);
      const lower = { ...set, maxSize: 'eco' as const, maxQuantityPerType: 1 };
      await store.accountQuotas.set(account.id, lower);
      assert.deepEqual(await store.accountQuotas.get(account.id), lower);
    });

    it('refuses a quota for an unknown account with not_found', async () => {
      const store = await open(steppingClock());
      await assert.rejects(store.accountQuotas.set('00000000-0000-4000-8000-000000000000', { ...DEFAULT_QUOTA }), platformError('not_found'));
    });
  });
}
