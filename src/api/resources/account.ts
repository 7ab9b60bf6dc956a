import { applyQuotaPatch, type AccountQuota } from '../../core/account-quota.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { Account } from '../../core/model.js';
import type { RequestContext, Route } from '../context.js';
import { serializeAccount } from '../serialize.js';

export const accountRoutes: Route[] = [
  { method: 'GET', path: '/account', access: 'account', handler: async (ctx) => ({ status: 200, body: serializeAccount(ctx.account) }) },
  {
    // Heroku's "Info By User": `~` is the caller (the CLI's `/users/~`, e.g. `heroku pipelines:create`
    // reads the owner there); an admin may name anyone.
    method: 'GET',
    path: '/users/:account',
    access: 'account',
    async handler(ctx) {
      const key = ctx.params.account as string;
      if (key === '~' || key === ctx.account.id || key.toLowerCase() === ctx.account.email.toLowerCase()) return { status: 200, body: serializeAccount(ctx.account) };
      if (!ctx.account.isAdmin) throw notFound('user', key);
      return { status: 200, body: serializeAccount(await accountForAdmin(ctx)) };
    },
  },
  {
    method: 'PATCH',
    path: '/account',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      let account = ctx.account;
      if (body.password !== undefined) {
        account = await ctx.deps.accounts.setPassword(account, body.current_password, body.password);
        // A new password ends the account's other dashboard logins (the one changing it stays).
        await ctx.deps.store.dashboardSessions.deleteForAccount(account.id, ctx.session?.session.id);
      }
      if (body.name !== undefined) {
        if (body.name !== null && typeof body.name !== 'string') throw new PlatformError('invalid_params', 'name must be a string.');
        account = await ctx.deps.store.accounts.update(account.id, { name: body.name });
      }
      return { status: 200, body: serializeAccount(account) };
    },
  },
  {
    // Berth extension (Heroku has no public sign-up API): an admin creates accounts.
    method: 'POST',
    path: '/accounts',
    access: { admin: 'create accounts' },
    async handler(ctx) {
      const body = await ctx.body();
      if (typeof body.email !== 'string') throw new PlatformError('invalid_params', 'email is required, e.g. {"email":"dev@example.com"}.');
      if (body.password !== undefined && typeof body.password !== 'string') throw new PlatformError('invalid_params', 'password must be a string.');
      const { account, password } = await ctx.deps.accounts.create({
        email: body.email,
        password: body.password as string | undefined,
        name: typeof body.name === 'string' ? body.name : null,
        isAdmin: body.admin === true,
      });
      return { status: 201, body: { ...serializeAccount(account), password: body.password === undefined ? password : null } };
    },
  },
  // Berth extensions: an admin reads and sets an account's quota (src/core/account-quota.ts).
  {
    method: 'GET',
    path: '/accounts/:account/quota',
    access: { admin: 'read or change account quotas' },
    async handler(ctx) {
      const account = await accountForAdmin(ctx);
      return { status: 200, body: serializeQuota(account, await ctx.deps.store.accountQuotas.get(account.id)) };
    },
  },
  {
    method: 'PATCH',
    path: '/accounts/:account/quota',
    access: { admin: 'read or change account quotas' },
    async handler(ctx) {
      const account = await accountForAdmin(ctx);
      const body = await ctx.body();
      const next = applyQuotaPatch(await ctx.deps.store.accountQuotas.get(account.id), body);
      return { status: 200, body: serializeQuota(account, await ctx.deps.store.accountQuotas.set(account.id, next)) };
    },
  },
];

/** The account named by `:account` (id or email), for an admin; anyone else gets 403. */
async function accountForAdmin(ctx: RequestContext): Promise<Account> {
  const key = ctx.params.account as string;
  const account = key.includes('@') ? await ctx.deps.store.accounts.findByEmail(key) : await ctx.deps.store.accounts.findById(key);
  if (!account) throw notFound('account', key);
  return account;
}

function serializeQuota(account: Account, quota: AccountQuota) {
  return {
    account: { id: account.id, email: account.email },
    max_size: quota.maxSize,
    max_quantity: quota.maxQuantityPerType,
    max_one_offs_per_app: quota.maxOneOffsPerApp,
    max_one_offs: quota.maxOneOffsPerAccount,
  };
}
