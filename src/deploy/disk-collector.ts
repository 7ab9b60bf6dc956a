// DiskCollector (deploy layer): garbage collection under a disk budget, and the admin:disk report.
import { readdir, rm, stat, statfs } from 'node:fs/promises';
import type { DiskCollection, DiskPort, DiskReport } from '../api/context.js';
import { RepoSizes } from './repo-sizes.js';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import { slugDirName } from './slug-dirs.js';
import { cachesToDrop, slugsToPrune, type CacheUsage } from '../core/disk-policy.js';
import type { Store } from '../store/port.js';
import type { AppDiskPaths } from './app-disk-paths.js';
import { diskBytes } from './disk-bytes.js';
import { addUsage, allApps, emptyUsage, measureApp } from './disk-usage.js';

export interface DiskCollectorDeps {
  store: Store;
  blobs: LocalBlobStore;
  paths: AppDiskPaths;
  /** App-owned bytes (slugs, unpacked slugs, caches, repos, logs) the collector keeps usage under. */
  budgetBytes: number;
  /** Slugs of the newest this many releases per app are kept (and the current release's, always). */
  keepReleases: number;
  /** Releases the app's live dynos run: their unpacked slugs stay. */
  liveReleaseIds(appId: string): Set<string>;
  /** The app is gone: have the host agent drop its log channel (RouteSync.push does). */
  forgetApp(appId: string): Promise<void>;
  log(event: Record<string, unknown>): void;
  now?: () => number;
  /** An uploaded slug no release uses yet stays this long (default 1 h). */
  unreleasedGraceMs?: number;
  /** An unpacked slug dir younger than this stays even when nothing uses it yet: a dyno may be about to start on it (default 60 s). */
  slugDirGraceMs?: number;
}

/**
 * One collection at a time: (1) old slugs beyond the last `keepReleases` releases leave the blob
 * store and their records are marked pruned; (2) unpacked slug dirs no current, pending or
 * running release uses go; (3) what destroyed apps left (caches, repos, log files) goes; (4) while
 * app-owned usage exceeds the budget, build caches are dropped, least recently used first.
 */
export class DiskCollector implements DiskPort {
  private running: Promise<DiskCollection> | undefined;
  private last: DiskCollection | null = null;
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;

  private readonly repos: RepoSizes;

  constructor(private readonly deps: DiskCollectorDeps) {
    this.repos = new RepoSizes(deps.paths);
  }

  repoSize(appId: string): Promise<number | null> {
    return this.repos.of(appId);
  }

  /** Collects every `intervalMs` (hourly in `berth up`) until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.soon(0), intervalMs);
    this.timer.unref();
  }

  /** Stops the timers; resolves once a collection under way has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.soonTimer);
    this.soonTimer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** A collection shortly (after a release); calls within the delay share one. */
  soon(delayMs = 5_000): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      void this.collect().catch((err: unknown) => this.deps.log({ at: 'error', during: 'disk gc', error: err instanceof Error ? err.message : String(err) }));
    }, delayMs);
    this.soonTimer.unref();
  }

  /** Runs a collection, or joins the one running. */
  async collect(): Promise<DiskCollection> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async report(): Promise<DiskReport> {
    const { store, blobs, paths } = this.deps;
    const apps: DiskReport['apps'] = [];
    const totals = emptyUsage();
    for await (const app of allApps(store)) {
      const usage = await measureApp(store, blobs, paths, app.id);
      apps.push({ id: app.id, name: app.name, usage });
      addUsage(totals, usage);
    }
    const fs = await statfs(paths.dataDir);
    return {
      apps: apps.sort((a, b) => b.usage.total - a.usage.total || a.name.localeCompare(b.name)),
      totals,
      budgetBytes: this.deps.budgetBytes,
      keepReleases: this.deps.keepReleases,
      filesystem: { sizeBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize },
      lastCollection: this.last,
    };
  }

  private async pass(): Promise<DiskCollection> {
    const now = (this.deps.now ?? Date.now)();
    const result: DiskCollection = { at: new Date(now).toISOString(), prunedSlugs: 0, removedSlugDirs: 0, droppedCaches: 0, removedOrphans: 0, freedBytes: 0, usedBytes: 0 };
    // Listed before the apps are read: whatever is listed belongs to an app that existed by then.
    const [slugDirs, cacheDirs, repoDirs, logFiles] = await Promise.all(['slugs', 'cache', 'repos', 'logs'].map((d) => readdir(`${this.deps.paths.dataDir}/${d}`).catch(() => [] as string[])));
    const backupDirs = await readdir(this.deps.blobs.path(this.deps.paths.backupsFolder)).catch(() => [] as string[]);
    const appIds = new Set<string>();
    const keepDirs = new Set<string>();
    const caches: CacheUsage[] = [];
    for await (const app of allApps(this.deps.store)) {
      appIds.add(app.id);
      await this.pruneSlugs(app.id, now, keepDirs, result);
      const cache = this.deps.paths.cacheDir(app.id);
      const info = await stat(cache).catch(() => undefined);
      if (info) caches.push({ appId: app.id, bytes: await diskBytes(cache), lastUsed: info.mtimeMs });
    }
    await this.removeSlugDirs(slugDirs as string[], keepDirs, now, result);
    await this.removeOrphans(appIds, { caches: cacheDirs as string[], repos: repoDirs as string[], logs: logFiles as string[], backups: backupDirs }, result);
    let used = 0;
    for (const appId of appIds) used += (await measureApp(this.deps.store, this.deps.blobs, this.deps.paths, appId)).total;
    for (const appId of cachesToDrop(caches, used, this.deps.budgetBytes)) {
      const bytes = caches.find((c) => c.appId === appId)?.bytes ?? 0;
      await rm(this.deps.paths.cacheDir(appId), { recursive: true, force: true });
      this.deps.log({ at: 'info', msg: 'disk gc dropped a build cache (over the disk budget)', app_id: appId, bytes });
      result.droppedCaches += 1;
      result.freedBytes += bytes;
      used -= bytes;
    }
    result.usedBytes = used;
    this.last = result;
    this.deps.log({ at: 'info', msg: 'disk gc', pruned_slugs: result.prunedSlugs, slug_dirs: result.removedSlugDirs, caches: result.droppedCaches, orphans: result.removedOrphans, freed_bytes: result.freedBytes, used_bytes: used, budget_bytes: this.deps.budgetBytes });
    if (used > this.deps.budgetBytes) this.deps.log({ at: 'warn', msg: 'disk usage stays over the budget after gc (slugs of recent releases are kept)', used_bytes: used, budget_bytes: this.deps.budgetBytes });
    return result;
  }

  /** Deletes the tarballs of slugs outside the retention window; notes which slug dirs must stay. */
  private async pruneSlugs(appId: string, now: number, keepDirs: Set<string>, result: DiskCollection): Promise<void> {
    const { store, blobs } = this.deps;
    const [releases, ownSlugs, shared] = await Promise.all([store.releases.slugReferences(appId), store.slugs.listForApp(appId), store.slugs.sharedWithOtherApps(appId)]);
    const live = this.deps.liveReleaseIds(appId);
    const current = releases.find((r) => r.status === 'succeeded');
    const own = new Set(ownSlugs.map((s) => s.id));
    for (const r of releases) {
      if (r.slugId && (r === current || r.status === 'pending' || live.has(r.id) || r === releases[0])) keepDirs.add(own.has(r.slugId) ? r.slugId : slugDirName(r.slugId, '', appId));
    }
    // A slug promoted to other apps stays while any of them has a release of it.
    const slugs = ownSlugs.filter((s) => !shared.includes(s.id));
    const prune = slugsToPrune(releases, slugs.map((s) => ({ id: s.id, createdAt: Date.parse(s.createdAt), size: s.size, pruned: s.prunedAt !== null })), {
      keepReleases: this.deps.keepReleases,
      unreleasedGraceMs: this.deps.unreleasedGraceMs ?? 3_600_000,
      now,
    });
    for (const id of prune) {
      const slug = slugs.find((s) => s.id === id);
      if (!slug) continue;
      const bytes = (await blobs.stat(slug.blobKey))?.size ?? 0;
      // Marked first (no release may use it from then on), then deleted; a release made since we looked keeps it.
      if (!(await store.slugs.markPruned(id, releases[0]?.version ?? 0))) return;
      await blobs.delete(slug.blobKey);
      this.deps.log({ at: 'info', msg: 'disk gc pruned a slug (older than the kept releases)', app_id: appId, slug_id: id, bytes });
      result.prunedSlugs += 1;
      result.freedBytes += bytes;
    }
  }

  /** Unpacked slugs nothing uses (old releases, destroyed apps), once past their grace. */
  private async removeSlugDirs(names: string[], keep: Set<string>, now: number, result: DiskCollection): Promise<void> {
    const grace = this.deps.slugDirGraceMs ?? 60_000;
    for (const name of names) {
      if (!/^[0-9a-f-]{36}(\.[0-9a-f-]{36})?$/.test(name) || keep.has(name)) continue;
      const dir = this.deps.paths.slugDir(name);
      const info = await stat(dir).catch(() => undefined);
      if (!info || (grace > 0 && now - Math.max(info.mtimeMs, info.ctimeMs) < grace)) continue;
      const bytes = await diskBytes(dir);
      await rm(dir, { recursive: true, force: true });
      result.removedSlugDirs += 1;
      result.freedBytes += bytes;
    }
  }

  /**
   * Caches, repositories, log histories and Postgres backups of apps that no longer exist (a
   * backup that finished after its app was destroyed lands here).
   */
  private async removeOrphans(appIds: Set<string>, listed: { caches: string[]; repos: string[]; logs: string[]; backups: string[] }, result: DiskCollection): Promise<void> {
    const { paths, blobs } = this.deps;
    const { caches, repos, logs, backups } = listed;
    const gone = (id: string) => /^[0-9a-f-]{36}$/.test(id) && !appIds.has(id);
    const orphans: Array<{ appId: string; path: string; log: boolean }> = [
      ...caches.filter(gone).map((id) => ({ appId: id, path: paths.cacheDir(id), log: false })),
      ...repos.filter((n) => n.endsWith('.git')).map((n) => n.slice(0, -4)).filter(gone).map((id) => ({ appId: id, path: paths.repoDir(id), log: false })),
      ...logs.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -6)).filter(gone).map((id) => ({ appId: id, path: paths.logFile(id), log: true })),
      ...backups.filter(gone).map((id) => ({ appId: id, path: blobs.path(paths.backupsPrefix(id)), log: false })),
    ];
    for (const orphan of orphans) {
      if (orphan.log) await this.deps.forgetApp(orphan.appId).catch(() => undefined);
      const bytes = await diskBytes(orphan.path);
      await rm(orphan.path, { recursive: true, force: true });
      result.removedOrphans += 1;
      result.freedBytes += bytes;
    }
  }
}
