import { PlatformError } from '../../core/errors.js';
import type { RequestContext, Route } from '../context.js';
import { requireSignedUrl } from '../capability-url.js';
import { meteredUpload, tooLarge } from '../upload.js';

/**
 * Capability routes, served without an API key: the signed URL is the permission. Uploads and
 * downloads of slug and source tarballs, and the live output of builds and release phases.
 */

const BLOB_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.tgz$/;

function blobName(ctx: RequestContext): string {
  const match = BLOB_NAME.exec(ctx.params.name as string);
  if (!match) throw new PlatformError('not_found', `No blob is stored at ${ctx.url.pathname}.`);
  return match[1] as string;
}

/**
 * Stores the request body under key, once: slugs and sources never change after their upload,
 * so what a build or a release inspected is what it unpacks. 413 over the limit, 400 when the
 * upload broke off, 409 when the key already holds a blob (the loser's bytes are discarded).
 */
async function storeUpload(ctx: RequestContext, key: string, maxBytes: number, what: string): Promise<{ size: number; sha256: string }> {
  const declared = Number(ctx.req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const upload = meteredUpload(ctx.req, maxBytes);
  let stored: { size: number; sha256: string } | undefined;
  try {
    stored = await ctx.deps.blobs.putOnce(key, upload.body);
  } catch (err) {
    throw upload.problem() ?? err;
  }
  if (!stored) throw new PlatformError('conflict', `${what} is already uploaded, and it never changes: create a new one for new content. This upload was discarded.`);
  return stored;
}

async function download(ctx: RequestContext, key: string) {
  const info = await ctx.deps.blobs.stat(key);
  if (!info) throw new PlatformError('not_found', `Nothing has been uploaded to ${ctx.url.pathname} yet.`);
  return {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(info.size) },
    stream: await ctx.deps.blobs.get(key),
  };
}

/** Answers errors of an upload with Connection: close, so an unread body does not linger. */
function upload(handler: (ctx: RequestContext) => Promise<{ status: number }>) {
  return async (ctx: RequestContext) => {
    try {
      return await handler(ctx);
    } catch (err) {
      ctx.res.setHeader('Connection', 'close');
      throw err;
    }
  };
}

async function findSlug(ctx: RequestContext) {
  const slug = await ctx.deps.store.slugs.findById(blobName(ctx));
  if (!slug) throw new PlatformError('not_found', `No slug is stored at ${ctx.url.pathname}: it was deleted with its app, or never created.`);
  return slug;
}

export const blobRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/blobs/slugs/:name',
    access: 'public',
    auth: 'none',
    handler: upload(async (ctx) => {
      requireSignedUrl(ctx, 'PUT');
      const slug = await findSlug(ctx);
      if (slug.size !== null) throw new PlatformError('conflict', `Slug ${slug.id} is already uploaded, and slugs never change: create a new slug (POST /apps/:app/slugs) for new code.`);
      const stored = await storeUpload(ctx, slug.blobKey, ctx.deps.blobLimits.slugBytes, `Slug ${slug.id}`);
      const checksum = `SHA256:${stored.sha256}`;
      if (slug.checksum !== null && slug.checksum !== checksum) {
        await ctx.deps.blobs.delete(slug.blobKey);
        throw new PlatformError('invalid_params', `The uploaded tarball does not match the slug's checksum: expected ${slug.checksum}, got ${checksum}. It was discarded; upload the right file (or create the slug without a checksum).`);
      }
      if (!(await ctx.deps.store.slugs.markUploaded(slug.id, { size: stored.size, checksum }))) {
        throw new PlatformError('conflict', `Slug ${slug.id} was uploaded by another request at the same time; slugs never change.`);
      }
      return { status: 200 };
    }),
  },
  {
    method: 'GET',
    path: '/blobs/slugs/:name',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      requireSignedUrl(ctx, 'GET');
      return download(ctx, (await findSlug(ctx)).blobKey);
    },
  },
  {
    method: 'PUT',
    path: '/blobs/sources/:name',
    access: 'public',
    auth: 'none',
    handler: upload(async (ctx) => {
      requireSignedUrl(ctx, 'PUT');
      await storeUpload(ctx, `sources/${blobName(ctx)}.tgz`, ctx.deps.blobLimits.sourceBytes, `Source ${blobName(ctx)}`);
      return { status: 200 };
    }),
  },
  {
    method: 'GET',
    path: '/blobs/sources/:name',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      requireSignedUrl(ctx, 'GET');
      return download(ctx, `sources/${blobName(ctx)}.tgz`);
    },
  },
  {
    method: 'GET',
    path: '/streams/:kind/:id',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      requireSignedUrl(ctx, 'GET');
      const kind = ctx.params.kind === 'builds' ? 'build' : ctx.params.kind === 'releases' ? 'release' : undefined;
      if (!kind) throw new PlatformError('not_found', `No output stream at ${ctx.url.pathname}.`);
      const output = await ctx.deps.platform.openOutput(kind, ctx.params.id as string);
      if (!output) throw new PlatformError('not_found', `There is no output for this ${kind} (yet): try again in a moment.`);
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' }, stream: output };
    },
  },
];
