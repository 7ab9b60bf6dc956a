// OAuth authorizations: Berth's API keys under Heroku's names (`heroku authorizations*`,
// `heroku login -i`). `~` is the account's API key: its oldest key that no login minted.
import { PlatformError } from '../../core/errors.js';
import type { Authorization } from '../../core/model.js';
import type { Route, RequestContext } from '../context.js';
import { serializeAuthorization } from '../serialize.js';

const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600;
const MAX_DESCRIPTION = 255;

const missing = (id: string) => new PlatformError('not_found', `Couldn't find that authorization: ${id}.`, { resource: 'authorization' });

/** `:id` of the caller's own authorizations, or `~`; anyone else's is a 404 like a missing one. */
async function ownAuthorization(ctx: RequestContext): Promise<Authorization> {
  const id = ctx.params.id as string;
  if (id === '~') {
    const list = await ctx.deps.store.authorizations.listForAccount(ctx.account.id);
    const apiKey = list.find((a) => !a.session && a.expiresAt === null);
    if (!apiKey) throw new PlatformError('not_found', "Couldn't find that authorization: ~ (this account has no long-lived API key that a login did not make).", { resource: 'authorization' });
    return apiKey;
  }
  const authorization = await ctx.deps.store.authorizations.findById(id);
  if (!authorization || authorization.accountId !== ctx.account.id) throw missing(id);
  return authorization;
}

function checkDescription(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_DESCRIPTION || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new PlatformError('invalid_params', `description must be text of 1 to ${MAX_DESCRIPTION} characters without control characters.`);
  }
  return value;
}

export const oauthRoutes: Route[] = [
  {
    method: 'POST',
    path: '/oauth/authorizations',
    access: 'account',
    auth: 'login',
    async handler(ctx) {
      const body = await ctx.body();
      const description = body.description === undefined ? 'API key' : checkDescription(body.description);
      const expiresIn = body.expires_in;
      if (expiresIn !== undefined && expiresIn !== null && !(Number.isInteger(expiresIn) && (expiresIn as number) > 0 && (expiresIn as number) <= MAX_EXPIRES_IN)) {
        throw new PlatformError('invalid_params', `expires_in must be a whole number of seconds between 1 and ${MAX_EXPIRES_IN}.`);
      }
      const scope = Array.isArray(body.scope) && body.scope.every((s) => typeof s === 'string') ? (body.scope as string[]) : ['global'];
      // A key minted with email + password is a login session (`heroku logout` may revoke it).
      const session = ctx.authorization === undefined;
      const { authorization, token } = await ctx.deps.accounts.issueKey(ctx.account.id, description, (expiresIn as number | undefined) ?? undefined, scope, session);
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
    // `heroku authorizations:update ID -d TEXT`. Berth has no OAuth clients, so `client` is refused.
    method: 'PATCH',
    path: '/oauth/authorizations/:id',
    access: 'account',
    async handler(ctx) {
      const authorization = await ownAuthorization(ctx);
      const body = await ctx.body();
      if (body.client !== undefined && body.client !== null) throw new PlatformError('invalid_params', 'client cannot be set: Berth has no OAuth clients (GET /oauth/clients is empty).');
      const description = body.description === undefined || body.description === null ? undefined : checkDescription(body.description);
      const updated = description === undefined ? authorization : await ctx.deps.store.authorizations.update(authorization.id, { description });
      if (!updated) throw missing(authorization.id);
      return { status: 200, body: serializeAuthorization(updated, ctx.account, ctx.deps.now()) };
    },
  },
  {
    // `heroku authorizations:rotate ID`: a new key, shown once; the old one stops working.
    method: 'POST',
    path: '/oauth/authorizations/:id/actions/regenerate-tokens',
    access: 'account',
    async handler(ctx) {
      const { authorization, token } = await ctx.deps.accounts.regenerateKey(await ownAuthorization(ctx));
      return { status: 200, body: serializeAuthorization(authorization, ctx.account, ctx.deps.now(), token) };
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
];
