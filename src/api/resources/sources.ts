import { randomUUID } from 'node:crypto';
import type { RequestContext, Route } from '../context.js';
import { BLOB_URL_TTL_SECONDS, signedUrl } from '../capability-url.js';

/**
 * Sources: a place to upload a source tarball for a build. Nothing is stored but the blob: the
 * two capability URLs (PUT to upload, GET to read back) carry everything.
 */
function sourceBlob(ctx: RequestContext) {
  const path = `/blobs/sources/${randomUUID()}.tgz`;
  return {
    source_blob: {
      get_url: signedUrl(ctx.deps, 'GET', path, BLOB_URL_TTL_SECONDS),
      put_url: signedUrl(ctx.deps, 'PUT', path, BLOB_URL_TTL_SECONDS),
    },
  };
}

export const sourceRoutes: Route[] = [
  { method: 'POST', path: '/sources', access: 'account', handler: async (ctx) => ({ status: 201, body: sourceBlob(ctx) }) },
  {
    // Deprecated in Heroku's schema, still used by older clients.
    method: 'POST',
    path: '/apps/:app/sources',
    access: { app: 'deploy' },
    // The app was resolved and authorized by the policy before the handler.
    handler: async (ctx) => ({ status: 201, body: sourceBlob(ctx) }),
  },
];
