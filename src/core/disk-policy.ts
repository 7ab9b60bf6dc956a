/**
 * Disk policy: what the disk collector may delete, as pure functions of what the store and the
 * data dir hold. Three rules, each named: old slugs beyond the retention window, build caches
 * over the budget (least recently used first), and the byte sizes an admin writes (`10G`).
 */

/** A release's slug, as garbage collection sees it. */
export interface ReleaseSlugRef {
  version: number;
  slugId: string | null;
  status: 'pending' | 'succeeded' | 'failed';
}

export interface SlugRecordRef {
  id: string;
  /** ms since epoch */
  createdAt: number;
  /** Null until its tarball is uploaded: nothing to delete. */
  size: number | null;
  pruned: boolean;
}

export interface SlugRetention {
  /** Slugs of the newest this many releases stay (default 10). */
  keepReleases: number;
  /** A slug no release uses yet stays this long after it was made (an upload about to be released). */
  unreleasedGraceMs: number;
  now: number;
}

export const DEFAULT_KEEP_RELEASES = 10;

/**
 * The slugs whose tarballs may go: every stored slug except those of the newest `keepReleases`
 * releases, of the current release (the newest succeeded one, however old), of a release still
 * pending, and young slugs no release uses yet. Oldest first.
 */
export function slugsToPrune(releases: readonly ReleaseSlugRef[], slugs: readonly SlugRecordRef[], policy: SlugRetention): string[] {
  const keep = new Set<string>();
  const newestFirst = [...releases].sort((a, b) => b.version - a.version);
  newestFirst.slice(0, Math.max(1, policy.keepReleases)).forEach((r) => r.slugId && keep.add(r.slugId));
  const current = newestFirst.find((r) => r.status === 'succeeded');
  if (current?.slugId) keep.add(current.slugId);
  for (const r of newestFirst) if (r.status === 'pending' && r.slugId) keep.add(r.slugId);
  const released = new Set(releases.map((r) => r.slugId).filter((id): id is string => id !== null));
  return [...slugs]
    .sort((a, b) => a.createdAt - b.createdAt)
    .filter((s) => !s.pruned && s.size !== null && !keep.has(s.id))
    .filter((s) => released.has(s.id) || policy.now - s.createdAt > policy.unreleasedGraceMs)
    .map((s) => s.id);
}

export interface CacheUsage {
  appId: string;
  bytes: number;
  /** ms since epoch of the last build that used it. */
  lastUsed: number;
}

/**
 * Build caches to drop while the data dir uses more than the budget: least recently used first,
 * until the usage fits (or no cache is left). Caches are the only thing dropped for the budget:
 * a cache costs one slower build, a slug a rollback.
 */
export function cachesToDrop(caches: readonly CacheUsage[], usedBytes: number, budgetBytes: number): string[] {
  const dropped: string[] = [];
  let used = usedBytes;
  for (const cache of [...caches].sort((a, b) => a.lastUsed - b.lastUsed)) {
    if (used <= budgetBytes) break;
    if (cache.bytes === 0) continue;
    dropped.push(cache.appId);
    used -= cache.bytes;
  }
  return dropped;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512M`, `10G`, `1.5T`, `2048` (bytes); K/M/G/T are powers of 1024, an optional `B`/`iB` is accepted. Undefined when malformed. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] as number);
  return Number.isFinite(bytes) && bytes >= 1 ? Math.floor(bytes) : undefined;
}

/** 1536 → `1.5 KiB`; bytes under 1 KiB as `N B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** Default per-app cap on what a build leaves (`--app-disk-cap`): the new slug, the build cache and the logs. */
export const DEFAULT_APP_DISK_CAP_BYTES = 4 * 1024 ** 3;

/** What a finished build would leave of its app on disk, before the slug is recorded. */
export interface AppBuildUsage {
  /** The new slug tarball. */
  slugBytes: number;
  /** The app's build cache after this build. */
  cacheBytes: number;
  /** Log history and build / release-phase output. */
  logBytes: number;
}

/**
 * The per-app cap (a rule apart from the global budget): `fits`; `drop_cache` when only the build
 * cache makes it too much (a cache is disposable: the next build starts clean); `over` when the
 * slug and the logs alone exceed it (the build fails: `app_disk_full`).
 */
export function appDiskVerdict(usage: AppBuildUsage, capBytes: number): 'fits' | 'drop_cache' | 'over' {
  if (usage.slugBytes + usage.cacheBytes + usage.logBytes <= capBytes) return 'fits';
  return usage.slugBytes + usage.logBytes <= capBytes ? 'drop_cache' : 'over';
}
