import type { DynoRecord } from '../core/dyno-host.js';
import { diffRouteSnapshots, isEmptyDiff, type AppRoute, type RouteBackend, type RouteDiff, type RouteSnapshot } from '../core/route-table.js';

/** What the control plane tells the agent about an app's routing. */
export interface AppRouteConfig {
  appId: string;
  name: string;
  domains: string[];
  maintenance: boolean;
  errorPageUrl?: string;
  maintenancePageUrl?: string;
  /**
   * Idle the app's web dynos after this long without a request (eco size or `ps:autoidle`);
   * absent: never. Agents from before idling ignore it.
   */
  idleAfterMs?: number;
  forceHttps?: boolean;
  hsts?: boolean;
  /** Pending ACME HTTP-01 challenges: token → key authorization (see AppRoute). */
  acmeChallenges?: Record<string, string>;
}

/**
 * The route table as the agent keeps it: app configs from the control plane joined with the web
 * dynos the supervisor runs. Every change is pushed to the router workers as a diff within
 * milliseconds of a dyno going up or down. It lives in the agent, so routing goes on with the
 * last table while the control plane is away.
 */
export class RouteState {
  private readonly configs = new Map<string, AppRouteConfig>();
  private readonly backends = new Map<string, Map<string, RouteBackend>>();
  private readonly crashed = new Map<string, Set<string>>();
  /** Idled web dynos per app, and how many wakes of the app failed. */
  private readonly idled = new Map<string, Set<string>>();
  private readonly wakeFailures = new Map<string, number>();
  private snapshot: RouteSnapshot;

  constructor(
    private readonly domain: string,
    private readonly push: (diff: RouteDiff) => void | Promise<void>,
  ) {
    this.snapshot = { domain, apps: [] };
  }

  current(): RouteSnapshot {
    return this.snapshot;
  }

  appIdOf(name: string): string | undefined {
    for (const config of this.configs.values()) if (config.name === name) return config.appId;
    return undefined;
  }

  /** Replaces every app config (the control plane's full view). */
  setApps(configs: AppRouteConfig[]): void {
    this.configs.clear();
    for (const config of configs) this.configs.set(config.appId, config);
    this.publish();
  }

  upsertApp(config: AppRouteConfig): void {
    this.configs.set(config.appId, config);
    this.publish();
  }

  removeApp(appId: string): void {
    this.configs.delete(appId);
    this.backends.delete(appId);
    this.crashed.delete(appId);
    this.idled.delete(appId);
    this.wakeFailures.delete(appId);
    this.publish();
  }

  /** A wake of the app failed: requests waiting for it get H20 (see AppDispatcher). */
  wakeFailed(appId: string): void {
    this.wakeFailures.set(appId, (this.wakeFailures.get(appId) ?? 0) + 1);
    this.publish();
  }

  /** Follows a web dyno's state: `up` joins the app's backends, anything else leaves them. */
  dynoChanged(record: DynoRecord, address: { host: string; port: number } | undefined): void {
    if (record.type !== 'web' || record.oneOff) return;
    const backends = this.backends.get(record.appId) ?? new Map<string, RouteBackend>();
    this.backends.set(record.appId, backends);
    const crashed = this.crashed.get(record.appId) ?? new Set<string>();
    this.crashed.set(record.appId, crashed);
    if ((record.state === 'up' || record.state === 'starting') && address) {
      backends.set(record.id, { dynoName: record.name, host: address.host, port: address.port, state: record.state });
      if (record.state === 'up') crashed.clear();
    } else {
      backends.delete(record.id);
    }
    if (record.state === 'crashed') crashed.add(record.id);
    else if (record.state === 'down') crashed.delete(record.id);
    const idled = this.idled.get(record.appId) ?? new Set<string>();
    this.idled.set(record.appId, idled);
    // A woken dyno stays idle in the route until it has an address: requests keep waiting for it.
    if (record.state === 'idle') idled.add(record.id);
    else if (!(record.state === 'starting' && !address)) idled.delete(record.id);
    this.publish();
  }

  private build(): RouteSnapshot {
    const apps: AppRoute[] = [];
    for (const config of [...this.configs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const backends = [...(this.backends.get(config.appId)?.values() ?? [])].sort((a, b) => a.dynoName.localeCompare(b.dynoName) || a.host.localeCompare(b.host));
      const up = backends.some((b) => b.state === 'up');
      const idle = backends.length === 0 && (this.idled.get(config.appId)?.size ?? 0) > 0;
      const wakeFailures = this.wakeFailures.get(config.appId) ?? 0;
      apps.push({
        app: config.name,
        domains: [...config.domains].sort(),
        maintenance: config.maintenance,
        crashed: !up && (this.crashed.get(config.appId)?.size ?? 0) > 0,
        backends,
        ...(idle ? { idle } : {}),
        ...(wakeFailures > 0 ? { wakeFailures } : {}),
        errorPageUrl: config.errorPageUrl,
        maintenancePageUrl: config.maintenancePageUrl,
        // Only when set, so routes of apps without them compare equal to an older agent's.
        ...(config.forceHttps ? { forceHttps: true } : {}),
        ...(config.hsts ? { hsts: true } : {}),
        ...(config.acmeChallenges && Object.keys(config.acmeChallenges).length > 0 ? { acmeChallenges: config.acmeChallenges } : {}),
      });
    }
    return { domain: this.domain, apps };
  }

  private publish(): void {
    const next = this.build();
    const diff = diffRouteSnapshots(this.snapshot, next);
    this.snapshot = next;
    if (isEmptyDiff(diff)) return;
    void Promise.resolve(this.push(diff)).catch(() => undefined);
  }
}
