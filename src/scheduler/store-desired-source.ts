import { RUNTIME_METRICS_FEATURE } from '../core/app-features.js';
import type { Store } from '../store/port.js';
import type { AppDesire, DesiredSource } from './dyno-manager.js';

/** The desired state from the store: the current release, the formation rows and the app's features. */
export class StoreDesiredSource implements DesiredSource {
  constructor(private readonly store: Store) {}

  async load(appId: string): Promise<AppDesire | undefined> {
    const app = await this.store.apps.findById(appId);
    if (!app) return undefined;
    const release = await this.store.releases.current(appId);
    if (!release?.slugId) return undefined;
    const formation = await this.store.formations.list(appId);
    const metrics = await this.store.appFeatures.find(appId, RUNTIME_METRICS_FEATURE);
    return {
      appId,
      appName: app.name,
      release: { id: release.id, version: release.version, slugId: release.slugId },
      processes: formation
        .filter((f) => f.type !== 'release')
        .map((f) => ({ type: f.type, quantity: f.quantity, size: f.size, command: f.command, releaseVersion: release.version })),
      env: release.configVars,
      runtimeMetrics: metrics?.enabled === true,
    };
  }

  async appIds(): Promise<string[]> {
    return [...new Set((await this.store.formations.listAll()).map((f) => f.appId))];
  }
}
