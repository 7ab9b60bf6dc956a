import { PlatformError } from '../../core/errors.js';
import { FORMATION_TYPE_PATTERN } from '../../core/formation.js';
import { stackParam } from '../stack-param.js';
import type { Slug } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { routeApp } from '../app-access.js';
import { BLOB_URL_TTL_SECONDS, signedUrl } from '../capability-url.js';
import { optionalChecksum, optionalString } from '../params.js';
import { serializeSlug } from '../serialize-deploy.js';

const MAX_PROCESS_TYPES = 50;
const MAX_COMMAND_LENGTH = 8192;

function processTypes(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlatformError('invalid_params', 'process_types is required: an object of process type → command, e.g. {"web": "node server.js"}.');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_PROCESS_TYPES) throw new PlatformError('invalid_params', `process_types has ${entries.length} types, over the limit of ${MAX_PROCESS_TYPES}.`);
  const types: Record<string, string> = {};
  for (const [type, command] of entries) {
    if (!FORMATION_TYPE_PATTERN.test(type)) throw new PlatformError('invalid_params', `Process type ${JSON.stringify(type)} is invalid: use 1 to 128 letters, digits, _ and -.`);
    if (typeof command !== 'string' || command.trim() === '' || command.length > MAX_COMMAND_LENGTH || command.includes('\0')) {
      throw new PlatformError('invalid_params', `The command of process type ${type} must be a non-empty string of at most ${MAX_COMMAND_LENGTH} characters without NUL.`);
    }
    types[type] = command;
  }
  return types;
}


/** The public path of a slug's tarball (its key is `slugs/<id>.tgz` unless a build stored it elsewhere). */
export const slugBlobPath = (slug: Slug): string => `/blobs/slugs/${slug.id}.tgz`;

/** Slug JSON: a download URL once uploaded, else the upload URL (a capability either way). */
export function slugJson(ctx: RequestContext, slug: Slug) {
  const method = slug.size === null ? 'PUT' : 'GET';
  return serializeSlug(slug, { method: method === 'PUT' ? 'put' : 'get', url: signedUrl(ctx.deps, method, slugBlobPath(slug), BLOB_URL_TTL_SECONDS) });
}

export const slugRoutes: Route[] = [
  {
    method: 'POST',
    path: '/apps/:app/slugs',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const slug = await ctx.deps.store.slugs.create({
        appId: app.id,
        processTypes: processTypes(body.process_types),
        stack: stackParam(body.stack).name,
        commit: optionalString(body, 'commit', 256) ?? null,
        commitDescription: optionalString(body, 'commit_description', 4096, 'text') ?? null,
        buildpackProvidedDescription: optionalString(body, 'buildpack_provided_description', 256) ?? null,
        checksum: optionalChecksum(body, 'checksum'),
      });
      return { status: 201, body: slugJson(ctx, slug) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/slugs/:slug',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const id = (ctx.params.slug as string).toLowerCase();
      const slug = await ctx.deps.store.slugs.find(app.id, id);
      if (!slug) throw new PlatformError('not_found', `Couldn't find that slug: ${ctx.params.slug}.`);
      return { status: 200, body: slugJson(ctx, slug) };
    },
  },
];
