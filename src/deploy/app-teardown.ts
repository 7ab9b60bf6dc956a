// AppTeardown (deploy layer): destroying an app ends its builds, dynos and routes, then removes everything it owned on disk.
import { rm } from 'node:fs/promises';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import type { App } from '../core/model.js';
import type { DynoManager } from '../scheduler/dyno-manager.js';
import type { Store } from '../store/port.js';
import type { AppDiskPaths, AppFiles } from './app-disk-paths.js';
import type { BuildService } from './build-service.js';
import { diskBytes } from './disk-bytes.js';
import type { RouteSync } from './route-sync.js';

export interface AppTeardownDeps {
  store: Store;
  blobs: LocalBlobStore;
  builds: Pick<BuildService, 'cancelApp'>;
  manager: Pick<DynoManager, 'kick' | 'list'>;
  routes: Pick<RouteSync, 'push'>;
  paths: AppDiskPaths;
  /** How long to wait for the app's dynos to stop before its files go anyway (their stop grace and then some). */
  dynoStopWaitMs: number;
  log(event: Record<string, unknown>): void;
}

/**
 * Destroying an app, in an order where nothing of it is written again: builds cancelled (their
 * dynos stopped, their slugs deleted), then the rows, then, in the background, its dynos stopped,
 * its routes, drains and log channel dropped by the agent (which deletes the history file), and
 * its slug blobs, unpacked slugs, build cache, git repository, output logs and Postgres backups
 * removed.
 */
export class AppTeardown {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: AppTeardownDeps) {}

  async destroy(app: App, removeRows: () => Promise<void>): Promise<void> {
    const { store } = this.deps;
    await this.deps.builds.cancelApp(app.id);
    const [slugs, buildIds, releases, shared] = await Promise.all([store.slugs.listForApp(app.id), store.builds.idsForApp(app.id), store.releases.slugReferences(app.id), store.slugs.sharedWithOtherApps(app.id)]);
    await removeRows();
    // Slugs promoted to other apps pass to them with their blobs (store.apps.delete); only this app's unpacked copy goes.
    const files: AppFiles = { appId: app.id, slugIds: slugs.map((s) => s.id), buildIds, releaseIds: releases.map((r) => r.id) };
    const job = this.removeFiles(app, files, slugs.filter((s) => !shared.includes(s.id)).map((s) => s.blobKey)).catch((err: unknown) =>
      this.deps.log({ at: 'error', during: 'destroy app', app_id: app.id, error: err instanceof Error ? err.message : String(err) }),
    );
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  /** Resolves when every teardown started so far has finished (tests, a clean stop). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async removeFiles(app: App, files: AppFiles, blobKeys: string[]): Promise<void> {
    const { manager, routes, paths, blobs } = this.deps;
    manager.kick(app.id);
    const deadline = Date.now() + this.deps.dynoStopWaitMs;
    while (manager.list(app.id).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // The app is gone from the store: the agent drops its routes, drains and log channel (and its history file).
    await routes.push(app.id);
    const dirs = [
      ...files.slugIds.map((id) => paths.slugDir(id)),
      paths.cacheDir(app.id),
      paths.repoDir(app.id),
      paths.logFile(app.id),
      ...paths.outputFiles(files),
      blobs.path(paths.backupsPrefix(app.id)),
    ];
    let freed = 0;
    for (const dir of dirs) {
      freed += await diskBytes(dir);
      await rm(dir, { recursive: true, force: true });
    }
    for (const key of blobKeys) {
      freed += (await blobs.stat(key))?.size ?? 0;
      await blobs.delete(key);
    }
    this.deps.log({ at: 'info', msg: 'destroyed app files', app_id: app.id, app: app.name, freed_bytes: freed, slugs: files.slugIds.length });
  }
}
