import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyQuotaPatch, checkFormationQuota, checkOneOffQuota, DEFAULT_QUOTA } from '../../src/core/account-quota.js';
import { PlatformError } from '../../src/core/errors.js';

const exceeded = (pattern: RegExp) => (err: unknown) => err instanceof PlatformError && err.id === 'quota_exceeded' && pattern.test(err.message);

describe('account quotas', () => {
  it('accept a formation within the quota, including a big size scaled to zero', () => {
    checkFormationQuota([{ type: 'web', quantity: 10, size: 'standard-2x' }, { type: 'worker', quantity: 0, size: 'performance-l' }], DEFAULT_QUOTA);
  });

  it('refuse a size above the largest allowed and a quantity above the per-type limit', () => {
    assert.throws(() => checkFormationQuota([{ type: 'web', quantity: 1, size: 'performance-m' }], DEFAULT_QUOTA), exceeded(/size performance-m/));
    assert.throws(() => checkFormationQuota([{ type: 'web', quantity: 11, size: 'eco' }], DEFAULT_QUOTA), exceeded(/web to 11/));
  });

  it('count one-off dynos per app and per account', () => {
    checkOneOffQuota({ size: 'standard-1x', runningInApp: 2, runningInAccount: 5 }, DEFAULT_QUOTA);
    assert.throws(() => checkOneOffQuota({ size: 'standard-1x', runningInApp: 3, runningInAccount: 3 }, DEFAULT_QUOTA), exceeded(/This app already runs 3 one-off dynos/));
    assert.throws(() => checkOneOffQuota({ size: 'standard-1x', runningInApp: 0, runningInAccount: 6 }, DEFAULT_QUOTA), exceeded(/account's apps already run 6/));
    assert.throws(() => checkOneOffQuota({ size: 'performance-l', runningInApp: 0, runningInAccount: 0 }, DEFAULT_QUOTA), exceeded(/size performance-l/));
  });

  it('apply an admin patch field by field, with canonical size names', () => {
    assert.deepEqual(applyQuotaPatch(DEFAULT_QUOTA, { max_size: '2X', max_one_offs: 0 }), { ...DEFAULT_QUOTA, maxSize: 'standard-2x', maxOneOffsPerAccount: 0 });
    assert.throws(() => applyQuotaPatch(DEFAULT_QUOTA, { max_size: 'giant' }), /not a dyno size. Use one of: eco, basic/);
  });
});
