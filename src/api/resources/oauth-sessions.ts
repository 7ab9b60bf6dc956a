// Login sessions (`heroku sessions`, `heroku logout`) and OAuth clients (`heroku clients`).
// A session is an API key a login (email + password) minted; Berth has no OAuth clients.
import { PlatformError } from '../../core/errors.js';
import type { Authorization } from '../../core/model.js';
import type { Route, RequestContext } from '../context.js';

function serializeSession(authorization: Authorization, now: Date) {
  const expiresIn = authorization.expiresAt === null ? null : Math.max(0, Math.round((Date.parse(authorization.expiresAt) - now.getTime()) / 1000));
  return {
    id: authorization.id,
    description: authorization.description,
    expires_in: expiresIn,
    created_at: authorization.createdAt,
    updated_at: authorization.updatedAt,
  };
}

/** `~` is the session behind the calling key; another id must be one of the caller's sessions. */
async function ownSession(ctx: RequestContext): Promise<Authorization> {
  const id = ctx.params.id as string;
  const found = id === '~' ? ctx.authorization : await ctx.deps.store.authorizations.findById(id);
  if (!found || !found.session || found.accountId !== ctx.account.id) {
    const what = id === '~' ? 'session: the key used for this request was not made by a login (revoke it with DELETE /oauth/authorizations/:id)' : `session: ${id}`;
    throw new PlatformError('not_found', `Couldn't find that ${what}.`, { resource: 'session' });
  }
  return found;
}

export const oauthSessionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/oauth/sessions',
    access: 'account',
    async handler(ctx) {
      const list = await ctx.deps.store.authorizations.listForAccount(ctx.account.id);
      const now = ctx.deps.now();
      const live = list.filter((a) => a.session && (a.expiresAt === null || Date.parse(a.expiresAt) > now.getTime()));
      return { status: 200, body: live.map((a) => serializeSession(a, now)) };
    },
  },
  {
    method: 'GET',
    path: '/oauth/sessions/:id',
    access: 'account',
    handler: async (ctx) => ({ status: 200, body: serializeSession(await ownSession(ctx), ctx.deps.now()) }),
  },
  {
    // `heroku logout` calls DELETE /oauth/sessions/~: the key it holds stops working.
    method: 'DELETE',
    path: '/oauth/sessions/:id',
    access: 'account',
    async handler(ctx) {
      const session = await ownSession(ctx);
      await ctx.deps.store.authorizations.delete(session.id);
      return { status: 200, body: serializeSession(session, ctx.deps.now()) };
    },
  },
  { method: 'GET', path: '/oauth/clients', access: 'account', handler: async () => ({ status: 200, body: [] }) },
];
