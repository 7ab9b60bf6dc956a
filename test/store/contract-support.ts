// Helpers shared by the parts of the Store contract (store-contract.ts and the *-contract.ts files).

import assert from 'node:assert/strict';

import { PlatformError, type ErrorId } from '../../src/core/errors.js';
import type { Account, App } from '../../src/core/model.js';
import type { StoreClock } from '../../src/store/kysely-store.js';
import type { Store } from '../../src/store/port.js';

export const REGION = 'local';
export const STACK = 'heroku-24';

/** What every part of the contract gets from storeContract. */
export interface ContractContext {
  /** A migrated store on a fresh, empty database; closed after the test. */
  open(clock?: StoreClock): Promise<Store>;
}

/**
 * A clock that reads 2024-01-01T00:00:00Z plus one second more at every reading, and ids that
 * count up (or down, to tell creation order from id order).
 */
export function steppingClock(ids: 'ascending' | 'descending' = 'ascending'): StoreClock {
  let ticks = 0;
  let issued = 0;
  return {
    now: () => new Date(Date.UTC(2024, 0, 1) + 1000 * ticks++),
    newId: () => {
      const n = ids === 'ascending' ? ++issued : 999_999 - issued++;
      return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    },
  };
}

/** An assert.rejects validator: a PlatformError with `id` whose message matches `message`. */
export function platformError(id: ErrorId, message?: RegExp): (err: unknown) => true {
  return (err) => {
    assert.ok(err instanceof PlatformError, `expected a PlatformError, got ${String(err)}`);
    assert.equal(err.id, id);
    if (message) assert.match(err.message, message);
    return true;
  };
}

/** An account with no password, for tests that only need an owner. */
export function account(store: Store, email = 'ada@example.com'): Promise<Account> {
  return store.accounts.create({ email, passwordHash: null });
}

export function app(store: Store, name: string, ownerId: string): Promise<App> {
  return store.apps.create({ name, ownerId, region: REGION, stack: STACK });
}
