import type { AgentClient } from '../agent/agent-client.js';
import type { AppRouteConfig } from '../agent/route-state.js';
import type { App } from '../core/model.js';
import type { Store } from '../store/port.js';

/**
 * Keeps the host agent's view of every app's routing (name, maintenance, error pages) equal to
 * the store's: a full push when the agent connects, one app at a time on every change.
 */
export class RouteSync {
  constructor(private readonly store: Store, private readonly agent: () => AgentClient | undefined) {}

  async config(app: App): Promise<AppRouteConfig> {
    const config = await this.store.configVars.get(app.id);
    return {
      appId: app.id,
      name: app.name,
      domains: [],
      maintenance: app.maintenance,
      ...(config.ERROR_PAGE_URL ? { errorPageUrl: config.ERROR_PAGE_URL } : {}),
      ...(config.MAINTENANCE_PAGE_URL ? { maintenancePageUrl: config.MAINTENANCE_PAGE_URL } : {}),
    };
  }

  async pushAll(): Promise<void> {
    const agent = this.agent();
    if (!agent) return;
    const configs: AppRouteConfig[] = [];
    let page = await this.store.apps.list({}, { field: 'id', startExclusive: false, max: 1000, order: 'asc' });
    for (;;) {
      for (const app of page.items) configs.push(await this.config(app));
      if (page.nextAfter === undefined) break;
      page = await this.store.apps.list({}, { field: 'id', start: page.nextAfter, startExclusive: true, max: 1000, order: 'asc' });
    }
    await agent.setRoutes(configs);
  }

  /** The app changed (created, renamed, maintenance, config) or is gone (undefined). */
  async push(appId: string): Promise<void> {
    const agent = this.agent();
    if (!agent) return;
    const app = await this.store.apps.findById(appId);
    if (app) await agent.upsertRoute(await this.config(app));
    else await agent.removeApp(appId);
  }
}
