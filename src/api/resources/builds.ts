import { PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { Build, BuildpackRef } from '../../store/port.js';
import type { BuildSource, RequestContext, Route } from '../context.js';
import { isUuid, routeApp } from '../app-access.js';
import { streamUrl, verifySignedUrl } from '../capability-url.js';
import { pageReply, pageRequest } from '../page-reply.js';
import { optionalChecksum, optionalObject, optionalString } from '../params.js';
import { byUser, notifyPlatform } from '../releasing.js';
import { serializeBuild } from '../serialize-deploy.js';
import { buildpackRef, MAX_BUILDPACKS } from './buildpack-installations.js';

const BUILD_RANGE_FIELDS = ['created_at', 'id'] as const;
const SOURCE_PATH = /^\/blobs\/sources\/([0-9a-f-]{36}\.tgz)$/;

function buildJson(ctx: RequestContext, build: Build) {
  return serializeBuild(build, streamUrl(ctx, `/streams/builds/${build.id}`));
}

/** Our own source URL (from POST /sources) becomes its blob key; any other http(s) URL is fetched by the builder. */
export function buildSource(ctx: RequestContext, url: string): BuildSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlatformError('invalid_params', `source_blob.url ${JSON.stringify(url)} is not a URL: use the get_url from POST /sources, or an https:// URL of a .tgz.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new PlatformError('invalid_params', `source_blob.url must be an http(s) URL, got ${parsed.protocol}.`);
  const ours = SOURCE_PATH.exec(parsed.pathname);
  if (ours) {
    const verdict = verifySignedUrl(ctx.deps, 'GET', parsed);
    if (verdict === 'expired') throw new PlatformError('invalid_params', 'source_blob.url expired: create a new source (POST /sources), upload again, and use its get_url.');
    if (verdict === 'invalid') throw new PlatformError('invalid_params', 'source_blob.url looks like a source URL of this Berth but its signature is invalid: use the exact get_url from POST /sources.');
    return { kind: 'blob', key: `sources/${ours[1]}` };
  }
  return { kind: 'url', url };
}

async function buildpacksFor(ctx: RequestContext, app: App, value: unknown): Promise<BuildpackRef[]> {
  if (value === undefined || value === null) return (await ctx.deps.store.buildpackInstallations.list(app.id)).map((i) => i.buildpack);
  if (!Array.isArray(value)) throw new PlatformError('invalid_params', 'buildpacks must be an array of {"url": …} or {"name": …} objects.');
  if (value.length > MAX_BUILDPACKS) throw new PlatformError('invalid_params', `buildpacks has ${value.length} entries, over the limit of ${MAX_BUILDPACKS}.`);
  return value.map((entry, i) => {
    const ref = typeof entry === 'object' && entry !== null ? ((entry as { url?: unknown }).url ?? (entry as { name?: unknown }).name) : undefined;
    return buildpackRef(ref, `buildpacks[${i}]`);
  });
}

async function findBuild(ctx: RequestContext, app: App): Promise<Build> {
  const id = ctx.params.build as string;
  const build = isUuid(id) ? await ctx.deps.store.builds.find(app.id, id.toLowerCase()) : undefined;
  if (!build) throw new PlatformError('not_found', `Couldn't find that build: ${id}.`);
  return build;
}

export const buildRoutes: Route[] = [
  {
    method: 'POST',
    path: '/apps/:app/builds',
    access: { app: 'deploy' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const blob = optionalObject(body, 'source_blob');
      const url = blob && optionalString(blob, 'url', 4096);
      if (!blob || !url) throw new PlatformError('invalid_params', 'source_blob.url is required: the URL of a .tgz of your source (POST /sources gives one to upload to).');
      const source = buildSource(ctx, url);
      const build = await ctx.deps.store.builds.create({
        appId: app.id,
        sourceBlob: {
          url,
          checksum: optionalChecksum(blob, 'checksum'),
          version: optionalString(blob, 'version', 256) ?? null,
          versionDescription: optionalString(blob, 'version_description', 4096, 'text') ?? null,
        },
        buildpacks: await buildpacksFor(ctx, app, body.buildpacks),
        user: { id: ctx.account.id, email: ctx.account.email },
        stack: app.buildStack,
      });
      ctx.deps.logs.emit(app.id, 'api', `Build started ${byUser(ctx.account.email)}`);
      notifyPlatform(ctx.deps, 'startBuild', app.id, () => ctx.deps.platform.startBuild(app, build, source));
      return { status: 201, body: buildJson(ctx, build) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/builds',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const page = pageRequest(ctx, BUILD_RANGE_FIELDS);
      const result = await ctx.deps.store.builds.list(app.id, page);
      return pageReply(page, result, result.items.map((b) => buildJson(ctx, b)));
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/builds/:build',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      return { status: 200, body: buildJson(ctx, await findBuild(ctx, app)) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/builds/:build',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const build = await findBuild(ctx, app);
      if (build.status !== 'pending') throw new PlatformError('invalid_params', `Build ${build.id} already ${build.status}: only a pending build can be cancelled.`);
      await ctx.deps.platform.cancelBuild(app, build);
      ctx.deps.logs.emit(app.id, 'api', `Build cancelled ${byUser(ctx.account.email)}`);
      return { status: 200, body: buildJson(ctx, (await ctx.deps.store.builds.findById(build.id)) ?? build) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/build-cache',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      await ctx.deps.platform.clearBuildCache(app);
      return { status: 202 };
    },
  },
];
