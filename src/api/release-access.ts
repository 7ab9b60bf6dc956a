import { notFound, PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Release } from '../store/port.js';
import type { RequestContext } from './context.js';
import { isUuid } from './app-access.js';
import { streamUrl } from './capability-url.js';
import { serializeRelease } from './serialize-deploy.js';

/** A release of `app` by id, version (`3`) or `v3`, as the official CLI passes them. */
export async function findRelease(ctx: RequestContext, app: App, identity: unknown): Promise<Release> {
  const { releases } = ctx.deps.store;
  const text = typeof identity === 'number' ? String(identity) : identity;
  if (typeof text !== 'string') throw new PlatformError('invalid_params', 'release must be a release id or version.');
  const version = /^v?(\d{1,9})$/i.exec(text)?.[1];
  const release = version !== undefined ? await releases.findByVersion(app.id, Number(version)) : isUuid(text) ? await releases.findById(app.id, text.toLowerCase()) : undefined;
  if (!release) throw notFound('release', text);
  return release;
}

/** Release JSON for this request (the output stream URL is a fresh capability). */
export function releaseJson(ctx: RequestContext, release: Release, app: App, currentId: string | undefined) {
  const stream = release.releaseCommand === null ? null : streamUrl(ctx, `/streams/releases/${release.id}`);
  return serializeRelease(release, app, currentId, stream);
}
