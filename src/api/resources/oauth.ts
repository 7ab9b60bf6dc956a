import { PlatformError, notFound } from '../../core/errors.js';
import type { Route, RequestContext } from '../context.js';
import { serializeAuthorization } from '../serialize.js';

const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600;

async function ownAuthorization(ctx: RequestContext) {
  const id = ctx.params.id as string;
  const authorization = await ctx.deps.store.authorizations.findById(id);
  if (!authorization || authorization.accountId !== ctx.account.id) throw notFound('authorization', id);
  return authorization;
}

export const oauthRoutes: Route[] = [
  {
    method: 'POST',
    path: '/oauth/authorizations',
    access: 'account',
    auth: 'login',
    async handler(ctx) {
      const body = await ctx.body();
      const description = body.description ?? 'API key';
      if (typeof description !== 'string') throw new PlatformError('invalid_params', 'description must be a string.');
      const expiresIn = body.expires_in;
      if (expiresIn !== undefined && expiresIn !== null && !(Number.isInteger(expiresIn) && (expiresIn as number) > 0 && (expiresIn as number) <= MAX_EXPIRES_IN)) {
        throw new PlatformError('invalid_params', `expires_in must be a whole number of seconds between 1 and ${MAX_EXPIRES_IN}.`);
      }
      const scope = Array.isArray(body.scope) && body.scope.every((s) => typeof s === 'string') ? (body.scope as string[]) : ['global'];
      const { authorization, token } = await ctx.deps.accounts.issueKey(ctx.account.id, description, (expiresIn as number | undefined) ?? undefined, scope);
      return { status: 201, body: serializeAuthorization(authorization, ctx.account, ctx.deps.now(), token) };
    },
  },
  {
    method: 'GET',
    path: '/oauth/authorizations',
    access: 'account',
    async handler(ctx) {
      const list = await ctx.deps.store.authorizations.listForAccount(ctx.account.id);
      return { status: 200, body: list.map((a) => serializeAuthorization(a, ctx.account, ctx.deps.now())) };
    },
  },
  {
    method: 'GET',
    path: '/oauth/authorizations/:id',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: serializeAuthorization(await ownAuthorization(ctx), ctx.account, ctx.deps.now()) };
    },
  },
  {
    method: 'DELETE',
    path: '/oauth/authorizations/:id',
    access: 'account',
    async handler(ctx) {
      const authorization = await ownAuthorization(ctx);
      await ctx.deps.store.authorizations.delete(authorization.id);
      return { status: 200, body: serializeAuthorization(authorization, ctx.account, ctx.deps.now()) };
    },
  },
  {
    // The official CLI's logout ends its web session here; Berth has no web sessions, and keys
    // are revoked through DELETE /oauth/authorizations/:id.
    method: 'DELETE',
    path: '/oauth/sessions/:id',
    access: 'account',
    handler: async () => ({ status: 200, body: {} }),
  },
];
