/** Accounts named in request bodies and paths (collaborators, transfer recipients, team members). */
import { PlatformError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import { isUuid } from './app-access.js';
import type { RequestContext } from './context.js';

/** An account by email or id; not_found naming it otherwise. */
export async function findAccount(ctx: Pick<RequestContext, 'deps'>, identity: string): Promise<Account> {
  const { accounts } = ctx.deps.store;
  const account = identity.includes('@') ? await accounts.findByEmail(identity) : isUuid(identity) ? await accounts.findById(identity.toLowerCase()) : undefined;
  if (!account) throw new PlatformError('not_found', `Couldn't find that user: ${identity}. Berth sends no invitations: an admin creates accounts (berth accounts:create).`);
  return account;
}
