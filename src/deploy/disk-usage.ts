// DiskUsage (deploy layer): what each app owns on disk, measured from the store's records and the data dir.
import type { AppDiskUsage } from '../api/context.js';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import type { App } from '../core/model.js';
import type { Store } from '../store/port.js';
import type { AppDiskPaths } from './app-disk-paths.js';
import { diskBytes } from './disk-bytes.js';

export const emptyUsage = (): AppDiskUsage => ({ slugs: 0, unpackedSlugs: 0, buildCache: 0, repo: 0, logs: 0, total: 0 });

export function addUsage(into: AppDiskUsage, more: AppDiskUsage): void {
  into.slugs += more.slugs;
  into.unpackedSlugs += more.unpackedSlugs;
  into.buildCache += more.buildCache;
  into.repo += more.repo;
  into.logs += more.logs;
  into.total += more.total;
}

/** Every app, oldest first, a page at a time. */
export async function* allApps(store: Store): AsyncIterable<App> {
  let page = await store.apps.list({}, { field: 'id', startExclusive: false, max: 1000, order: 'asc' });
  for (;;) {
    yield* page.items;
    if (page.nextAfter === undefined) return;
    page = await store.apps.list({}, { field: 'id', start: page.nextAfter, startExclusive: true, max: 1000, order: 'asc' });
  }
}

/**
 * One app's usage: its stored slug tarballs (blob store), its unpacked slugs, build cache, git
 * repository, and its log history with its build and release-phase output.
 */
export async function measureApp(store: Store, blobs: LocalBlobStore, paths: AppDiskPaths, appId: string): Promise<AppDiskUsage> {
  const [slugs, buildIds, releases] = await Promise.all([store.slugs.listForApp(appId), store.builds.idsForApp(appId), store.releases.slugReferences(appId)]);
  const usage = emptyUsage();
  for (const slug of slugs) {
    if (slug.prunedAt === null) usage.slugs += (await blobs.stat(slug.blobKey))?.size ?? 0;
    usage.unpackedSlugs += await diskBytes(paths.slugDir(slug.id));
  }
  usage.buildCache = await diskBytes(paths.cacheDir(appId));
  usage.repo = await diskBytes(paths.repoDir(appId));
  usage.logs = await diskBytes(paths.logFile(appId));
  for (const file of paths.outputFiles({ appId, slugIds: [], buildIds, releaseIds: releases.map((r) => r.id) })) usage.logs += await diskBytes(file);
  usage.total = usage.slugs + usage.unpackedSlugs + usage.buildCache + usage.repo + usage.logs;
  return usage;
}
