// AppDiskPaths (deploy layer): where each thing an app owns lives under the data dir.
import { join } from 'node:path';

/** An app's things on disk besides its blobs, by id: what destroying it removes and `admin:disk` measures. */
export interface AppFiles {
  appId: string;
  slugIds: readonly string[];
  buildIds: readonly string[];
  releaseIds: readonly string[];
}

/**
 * The data dir's layout for app-owned files: unpacked slugs `slugs/<slug id>`, build caches
 * `cache/<app id>`, git repositories `repos/<app id>.git`, log histories `logs/<app id>.jsonl`
 * (written by the host agent), build and release-phase output `outputs/<kind>-<id>.log`; in the
 * blob store, the Postgres backups of the app's add-ons under `pg-backups/<app id>/`.
 */
export class AppDiskPaths {
  constructor(readonly dataDir: string) {}

  get slugsDir(): string {
    return join(this.dataDir, 'slugs');
  }

  slugDir(slugId: string): string {
    return join(this.slugsDir, slugId);
  }

  cacheDir(appId: string): string {
    return join(this.dataDir, 'cache', appId);
  }

  repoDir(appId: string): string {
    return join(this.dataDir, 'repos', `${appId}.git`);
  }

  logFile(appId: string): string {
    return join(this.dataDir, 'logs', `${appId}.jsonl`);
  }

  outputFile(kind: 'build' | 'release', id: string): string {
    return join(this.dataDir, 'outputs', `${kind}-${id}.log`);
  }

  /** The blob-store folder (a key prefix) of every app's Postgres backups. */
  readonly backupsFolder = 'pg-backups';

  /** The blob-store folder (a key prefix) holding the backups of the add-ons the app bills for. */
  backupsPrefix(appId: string): string {
    return `${this.backupsFolder}/${appId}`;
  }

  /** Every output file of the app's builds and releases. */
  outputFiles(files: AppFiles): string[] {
    return [...files.buildIds.map((id) => this.outputFile('build', id)), ...files.releaseIds.map((id) => this.outputFile('release', id))];
  }
}
