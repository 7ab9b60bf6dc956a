import type { AppDiskUsage, DiskCollection, Route } from '../context.js';

/** Berth extensions for the operator: admin only (others get 403 forbidden, as for POST /accounts). */

const usageJson = (u: AppDiskUsage) => ({
  slugs_bytes: u.slugs,
  unpacked_slugs_bytes: u.unpackedSlugs,
  build_cache_bytes: u.buildCache,
  repo_bytes: u.repo,
  logs_bytes: u.logs,
  total_bytes: u.total,
});

const collectionJson = (c: DiskCollection) => ({
  at: c.at,
  pruned_slugs: c.prunedSlugs,
  removed_slug_dirs: c.removedSlugDirs,
  dropped_caches: c.droppedCaches,
  removed_orphans: c.removedOrphans,
  freed_bytes: c.freedBytes,
  used_bytes: c.usedBytes,
});

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/admin/disk',
    access: { admin: 'see disk usage' },
    async handler(ctx) {
      const report = await ctx.deps.disk.report();
      return {
        status: 200,
        body: {
          apps: report.apps.map((a) => ({ app: { id: a.id, name: a.name }, ...usageJson(a.usage) })),
          totals: usageJson(report.totals),
          budget_bytes: report.budgetBytes,
          keep_releases: report.keepReleases,
          filesystem: { size_bytes: report.filesystem.sizeBytes, free_bytes: report.filesystem.freeBytes },
          last_collection: report.lastCollection && collectionJson(report.lastCollection),
        },
      };
    },
  },
];
