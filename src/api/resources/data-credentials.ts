import { notFound, PlatformError } from '../../core/errors.js';
import type { RequestContext, Route } from '../context.js';
import type { DataAddon } from '../data-port.js';
import { addonUrl, findDataAddon, POSTGRES_SERVICE } from '../data-access.js';

/**
 * Credentials of a Postgres database (`/postgres/v0/databases/:id`, the official CLI's
 * `pg:credentials`, `pg:credentials:url` and `pg:credentials:rotate`). Berth databases have one credential,
 * `default`: rotating it makes a new role and password, sets the new URL on every attached app
 * (a release each, dynos rolled) and then revokes the old role.
 */

const database = (ctx: RequestContext) => findDataAddon(ctx, ctx.params.database as string, POSTGRES_SERVICE);

async function rotate(ctx: RequestContext, addon: DataAddon) {
  addonUrl(addon);
  try {
    await ctx.deps.data!.rotateCredentials(addon);
  } catch (err) {
    if (err instanceof PlatformError) throw err;
    throw new PlatformError('service_unavailable', `Could not rotate the credentials of ${addon.name}: ${(err as Error).message}. The old credentials still work.`);
  }
  return { status: 200, body: { message: `Rotated the default credential of ${addon.name}.` } };
}

/** The `default` credential as the data API describes it; `withPassword` for one credential's own route (pg:credentials:url). */
function defaultCredential(addon: DataAddon, withPassword: boolean) {
  const url = new URL(addonUrl(addon));
  const user = decodeURIComponent(url.username);
  return {
    uuid: addon.id,
    name: 'default',
    state: 'active',
    database: url.pathname.slice(1),
    host: url.hostname,
    port: Number(url.port || 5432),
    credentials: [withPassword ? { user, password: decodeURIComponent(url.password), state: 'active', connections: null } : { user, state: 'active', connections: null }],
  };
}

const onlyDefault = (ctx: RequestContext) => notFound('credential', `${ctx.params.credential as string} (Berth databases have one credential, default)`);

export const dataCredentialRoutes: Route[] = [
  {
    method: 'GET',
    path: '/postgres/v0/databases/:database/credentials',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      return { status: 200, body: [defaultCredential(await database(ctx), false)] };
    },
  },
  {
    // With the password, as config vars carry it: the same `deploy` permission reads both.
    method: 'GET',
    path: '/postgres/v0/databases/:database/credentials/:credential',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      if (ctx.params.credential !== 'default') throw onlyDefault(ctx);
      return { status: 200, body: defaultCredential(addon, true) };
    },
  },
  {
    method: 'POST',
    path: '/postgres/v0/databases/:database/credentials_rotation',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      return rotate(ctx, await database(ctx));
    },
  },
  {
    method: 'POST',
    path: '/postgres/v0/databases/:database/credentials/:credential/credentials_rotation',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      if (ctx.params.credential !== 'default') throw onlyDefault(ctx);
      return rotate(ctx, addon);
    },
  },
];
