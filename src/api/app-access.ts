import { notFound } from '../core/errors.js';
import type { Account, App } from '../core/model.js';
import type { RequestContext } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

export function canAccess(account: Account, app: App): boolean {
  return account.isAdmin || app.ownerId === account.id;
}

/**
 * Resolves an app by id or name. A missing app and another user's app get the same 404, so
 * nobody learns which names exist.
 */
export async function findAccessibleApp(ctx: RequestContext, identity: string): Promise<App> {
  const { apps } = ctx.deps.store;
  const app = isUuid(identity) ? await apps.findById(identity.toLowerCase()) : await apps.findByName(identity);
  if (!app || !canAccess(ctx.account, app)) throw notFound('app', identity);
  return app;
}

/** The owner record for serializing an app (the caller is often the owner). */
export async function ownerOf(ctx: RequestContext, app: App): Promise<Account> {
  if (app.ownerId === ctx.account.id) return ctx.account;
  const owner = await ctx.deps.store.accounts.findById(app.ownerId);
  if (!owner) throw new Error(`app ${app.id} has no owner ${app.ownerId}`);
  return owner;
}
