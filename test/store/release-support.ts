// Helpers for the deploy-pipeline parts of the Store contract.

import type { Slug, Store } from '../../src/store/port.js';
import { account, app, STACK } from './contract-support.js';

export const SHA = `SHA256:${'ab'.repeat(32)}`;

/** An owner and an app, ready for slugs and releases. */
export async function appWithOwner(store: Store, name = 'my-app'): Promise<{ appId: string; user: { id: string; email: string } }> {
  const owner = await account(store, `${name}@example.com`);
  const created = await app(store, name, owner.id);
  return { appId: created.id, user: { id: owner.id, email: owner.email } };
}

/** A slug whose tarball is already in the blob store (as a build makes it). */
export function uploadedSlug(store: Store, appId: string, processTypes: Record<string, string> = { web: 'node server.js' }, commit = 'abc1234def'): Promise<Slug> {
  return store.slugs.create({ appId, processTypes, stack: STACK, size: 1024, checksum: SHA, commit });
}
