/**
 * What an account's apps may ask of the host: the largest dyno size, dynos per process type, and
 * one-off dynos running at once (per app and across the account). Without an admin-set quota an
 * account gets DEFAULT_QUOTA: sizes up to standard-2x, 10 dynos per type, 3 one-offs per app and
 * 6 per account. Admins raise (or lower) it per account with `berth accounts:quota`.
 */
import { PlatformError } from './errors.js';
import { DYNO_SIZE_NAMES, findDynoSize, type DynoSizeName } from './dyno-size.js';

export interface AccountQuota {
  maxSize: DynoSizeName;
  maxQuantityPerType: number;
  maxOneOffsPerApp: number;
  maxOneOffsPerAccount: number;
}

export const DEFAULT_QUOTA: Readonly<AccountQuota> = { maxSize: 'standard-2x', maxQuantityPerType: 10, maxOneOffsPerApp: 3, maxOneOffsPerAccount: 6 };

/** The formation API's own ceiling (store: 0..100) bounds quotas too. */
export const MAX_QUOTA_QUANTITY = 100;
const MAX_QUOTA_ONE_OFFS = 1000;

const RAISE = 'An admin can raise it: berth accounts:quota EMAIL';
const rank = (size: string): number => DYNO_SIZE_NAMES.indexOf(findDynoSize(size)?.name ?? (size as DynoSizeName));

/** Refuses a formation whose sizes or quantities are beyond the quota (the owner's). */
export function checkFormationQuota(results: ReadonlyArray<{ type: string; quantity: number; size: string }>, quota: AccountQuota): void {
  for (const r of results) {
    if (r.quantity > 0 && rank(r.size) > rank(quota.maxSize)) {
      throw new PlatformError('quota_exceeded', `Cannot run ${r.type} dynos of size ${r.size}: this account's dynos go up to ${quota.maxSize}. ${RAISE} --max-size ${r.size}.`);
    }
    if (r.quantity > quota.maxQuantityPerType) {
      throw new PlatformError('quota_exceeded', `Cannot scale ${r.type} to ${r.quantity}: this account may run at most ${quota.maxQuantityPerType} dynos per process type. ${RAISE} --max-quantity ${r.quantity}.`);
    }
  }
}

/** Refuses a one-off dyno over the size or the concurrency quota. */
export function checkOneOffQuota(request: { size: string; runningInApp: number; runningInAccount: number }, quota: AccountQuota): void {
  if (rank(request.size) > rank(quota.maxSize)) {
    throw new PlatformError('quota_exceeded', `Cannot run a one-off dyno of size ${request.size}: this account's dynos go up to ${quota.maxSize}. ${RAISE} --max-size ${request.size}.`);
  }
  if (request.runningInApp >= quota.maxOneOffsPerApp) {
    throw new PlatformError('quota_exceeded', `This app already runs ${request.runningInApp} one-off dynos, its limit: wait for one to finish or stop one (berth ps:stop run.N). ${RAISE} --max-one-offs-per-app N.`);
  }
  if (request.runningInAccount >= quota.maxOneOffsPerAccount) {
    throw new PlatformError('quota_exceeded', `This account's apps already run ${request.runningInAccount} one-off dynos, its limit: wait for one to finish or stop one. ${RAISE} --max-one-offs N.`);
  }
}

/** Validates an admin's quota change (`{max_size, max_quantity, max_one_offs_per_app, max_one_offs}`) onto `current`. */
export function applyQuotaPatch(current: AccountQuota, patch: Record<string, unknown>): AccountQuota {
  const next = { ...current };
  const count = (field: string, max: number): number | undefined => {
    const value = patch[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new PlatformError('invalid_params', `${field} must be a whole number from 0 to ${max}.`);
    }
    return value;
  };
  if (patch.max_size !== undefined && patch.max_size !== null) {
    const size = typeof patch.max_size === 'string' ? findDynoSize(patch.max_size) : undefined;
    if (!size) throw new PlatformError('invalid_params', `max_size ${JSON.stringify(patch.max_size)} is not a dyno size. Use one of: ${DYNO_SIZE_NAMES.join(', ')}.`);
    next.maxSize = size.name;
  }
  next.maxQuantityPerType = count('max_quantity', MAX_QUOTA_QUANTITY) ?? next.maxQuantityPerType;
  next.maxOneOffsPerApp = count('max_one_offs_per_app', MAX_QUOTA_ONE_OFFS) ?? next.maxOneOffsPerApp;
  next.maxOneOffsPerAccount = count('max_one_offs', MAX_QUOTA_ONE_OFFS) ?? next.maxOneOffsPerAccount;
  return next;
}
