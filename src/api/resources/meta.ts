import { REGION } from '../../core/model.js';
import { resolveStack, STACKS } from '../../core/stacks.js';
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
  {
    method: 'GET',
    path: '/stacks',
    access: 'account',
    async handler(ctx) {
      const hosted = (await ctx.deps.stacks?.describe()) ?? [];
      return { status: 200, body: STACKS.map((s) => serializeStack(s, SINCE, hosted.find((h) => h.name === s.name))) };
    },
  },
  {
    method: 'GET',
    path: '/stacks/:stack',
    access: 'account',
    async handler(ctx) {
      const id = ctx.params.stack as string;
      const resolved = resolveStack(id);
      if (!resolved) throw notFound('stack', id);
      const hosted = (await ctx.deps.stacks?.describe()) ?? [];
      const headers = resolved.notice ? { 'Warning-Message': resolved.notice } : undefined;
      return { status: 200, body: serializeStack(resolved.stack, SINCE, hosted.find((h) => h.name === resolved.stack.name)), ...(headers ? { headers } : {}) };
    },
  },
  {
    // Berth extension, admin only: rebuild the stack images and roll every dyno onto them (no rebuild).
    method: 'POST',
    path: '/stacks/:stack/actions/update',
    access: { admin: 'update a stack (rebuild its images and roll every dyno onto them)' },
    async handler(ctx) {
      const id = ctx.params.stack as string;
      const resolved = resolveStack(id);
      if (!resolved) throw notFound('stack', id);
      if (!ctx.deps.stacks) throw new PlatformError('invalid_params', 'This Berth runs dynos on the host root (--dyno-root host): there is no stack image to update.');
      const result = await ctx.deps.stacks.update(resolved.stack.name, () => undefined).catch((err: unknown) => {
        throw new PlatformError('stack_build_failed', `${err instanceof Error ? err.message : String(err)}. ${resolved.stack.name} stays on its current version; no dyno was restarted.`);
      });
      return { status: 200, body: { stack: resolved.stack.name, version: result.version, previous_version: result.previous, apps_rolled: result.apps } };
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
