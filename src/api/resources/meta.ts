import { REGION, STACK } from '../../core/model.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { Route } from '../context.js';
import { serializeRegion, serializeStack } from '../serialize.js';

/** A fixed timestamp: the region and stack exist as long as the install does. */
const SINCE = '2026-01-01T00:00:00Z';

export const metaRoutes: Route[] = [
  { method: 'GET', path: '/regions', access: 'account', handler: async () => ({ status: 200, body: [serializeRegion(SINCE)] }) },
  {
    method: 'GET',
    path: '/regions/:region',
    access: 'account',
    async handler(ctx) {
      const id = ctx.params.region as string;
      if (id !== REGION.id && id !== REGION.name) throw notFound('region', id);
      return { status: 200, body: serializeRegion(SINCE) };
    },
  },
  { method: 'GET', path: '/stacks', access: 'account', handler: async () => ({ status: 200, body: [serializeStack(SINCE)] }) },
  {
    method: 'GET',
    path: '/stacks/:stack',
    access: 'account',
    async handler(ctx) {
      const id = ctx.params.stack as string;
      if (id !== STACK.id && id !== STACK.name) throw notFound('stack', id);
      return { status: 200, body: serializeStack(SINCE) };
    },
  },
  {
    // Berth extension: where clients reach this install (`berth heroku-env` reads the git host).
    method: 'GET',
    path: '/berth/endpoints',
    access: 'account',
    async handler(ctx) {
      const gitHost = new URL(ctx.deps.urls.gitUrl('app')).host;
      return { status: 200, body: { api_url: ctx.deps.urls.apiUrl(''), api_tls_url: ctx.deps.urls.apiTlsUrl?.('') ?? null, git_host: gitHost } };
    },
  },
  // Berth has no private spaces: `heroku spaces` lists none, and any space name is a 404.
  { method: 'GET', path: '/spaces', access: 'account', handler: async () => ({ status: 200, body: [] }) },
  {
    method: 'GET',
    path: '/spaces/:space',
    access: 'account',
    async handler(ctx) {
      throw new PlatformError('not_found', `Couldn't find that space: ${ctx.params.space as string}. Berth has no private spaces.`, { resource: 'space' });
    },
  },
];
