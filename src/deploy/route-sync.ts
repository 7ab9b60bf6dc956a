// RouteSync (deploy layer): the store's routing config and SNI certificates, mirrored into the host agent.
import type { AgentConnection } from '../agent/agent-connection.js';
import type { CertificateEntry } from '../agent/certificate-book.js';
import { RpcError } from '../agent/json-rpc.js';
import type { AppRouteConfig } from '../agent/route-state.js';
import { AUTOIDLE_FEATURE, FORCE_HTTPS_FEATURE, HSTS_FEATURE, idles } from '../core/app-features.js';
import type { App } from '../core/model.js';
import type { Store } from '../store/port.js';

/** What RouteSync needs of the agent connection; while it is down, changes wait for the full push on reconnect. */
export type RouteAgent = Pick<AgentConnection, 'connected' | 'setRoutes' | 'upsertRoute' | 'removeApp' | 'setCertificates' | 'resetCertificates'>;

/**
 * Keeps the host agent's view of every app's routing (name, custom domains, maintenance, error
 * pages) and of its uploaded certificates equal to the store's: a full push when the agent
 * connects, one app at a time on every change. Pushes of one app run one after another, each
 * reading the store afresh, so an older view never lands after a newer one. Certificates go
 * first, and the agent answers only once every router worker forgot what it cached for the names
 * that changed: a domain that no longer routes no longer gets its certificate either.
 */
export class RouteSync {
  /** The last push of each app still running; the next one waits for it. */
  private readonly pushing = new Map<string, Promise<void>>();
  /** The app's pending ACME HTTP-01 answers (the certificate manager's challenge board, when ACME is on). */
  private challenges: (appId: string) => Record<string, string> | undefined = () => undefined;
  private readonly listeners: Array<(appId: string) => void> = [];

  /** @param idleAfterMs how long an idling app (eco web dynos or `ps:autoidle`) may go without a request (default 30 min). */
  constructor(private readonly store: Store, private readonly agent: RouteAgent, private readonly idleAfterMs = 30 * 60_000) {}

  /** Where the ACME challenges of each app come from (wired by main when ACME is on). */
  useChallenges(source: (appId: string) => Record<string, string> | undefined): void {
    this.challenges = source;
  }

  /** Called with the app's id on every push (the certificate manager looks at the app again). */
  onPush(listener: (appId: string) => void): void {
    this.listeners.push(listener);
  }

  async config(app: App): Promise<AppRouteConfig> {
    const [config, domains, web, features] = await Promise.all([
      this.store.configVars.get(app.id),
      this.store.domains.list(app.id),
      this.store.formations.find(app.id, 'web'),
      this.store.appFeatures.list(app.id),
    ]);
    const on = (name: string) => features.some((f) => f.name === name && f.enabled);
    const idle = idles({ webSize: web?.size, autoidle: on(AUTOIDLE_FEATURE) });
    const challenges = this.challenges(app.id);
    return {
      appId: app.id,
      name: app.name,
      domains: domains.map((d) => d.hostname),
      maintenance: app.maintenance,
      ...(idle ? { idleAfterMs: this.idleAfterMs } : {}),
      ...(config.ERROR_PAGE_URL ? { errorPageUrl: config.ERROR_PAGE_URL } : {}),
      ...(config.MAINTENANCE_PAGE_URL ? { maintenancePageUrl: config.MAINTENANCE_PAGE_URL } : {}),
      ...(on(FORCE_HTTPS_FEATURE) ? { forceHttps: true } : {}),
      ...(on(HSTS_FEATURE) ? { hsts: true } : {}),
      ...(challenges ? { acmeChallenges: challenges } : {}),
    };
  }

  /**
   * The app's SNI endpoints that serve at least one of its domains, with those domains; then its
   * unexpired automatic (ACME) certificates for hostnames no uploaded certificate serves (uploaded
   * ones win).
   */
  async certificates(appId: string): Promise<CertificateEntry[]> {
    const [endpoints, domains, automatic] = await Promise.all([this.store.sniEndpoints.list(appId), this.store.domains.list(appId), this.store.acmeCertificates.list(appId)]);
    const uploaded = endpoints
      .map((e) => ({ hostnames: domains.filter((d) => d.sniEndpointId === e.id).map((d) => d.hostname), cert: e.certificateChain, key: e.privateKey }))
      .filter((entry) => entry.hostnames.length > 0);
    const covered = new Set(uploaded.flatMap((entry) => entry.hostnames));
    const now = new Date().toISOString();
    const auto = automatic
      .filter((c) => c.certificate !== null && c.privateKey !== null && c.expiresAt !== null && c.expiresAt > now && !covered.has(c.hostname))
      .map((c) => ({ hostnames: [c.hostname], cert: c.certificate as string, key: c.privateKey as string }));
    return [...uploaded, ...auto];
  }

  async pushAll(): Promise<void> {
    const { agent } = this;
    if (!agent.connected) return;
    const configs: AppRouteConfig[] = [];
    const certs: Array<{ appId: string; certs: CertificateEntry[] }> = [];
    let page = await this.store.apps.list({}, { field: 'id', startExclusive: false, max: 1000, order: 'asc' });
    for (;;) {
      for (const app of page.items) {
        configs.push(await this.config(app));
        const entries = await this.certificates(app.id);
        if (entries.length > 0) certs.push({ appId: app.id, certs: entries });
      }
      if (page.nextAfter === undefined) break;
      page = await this.store.apps.list({}, { field: 'id', start: page.nextAfter, startExclusive: true, max: 1000, order: 'asc' });
    }
    await agent.setRoutes(configs);
    await tolerateOldAgent(agent.resetCertificates(certs));
  }

  /** The app changed (created, renamed, maintenance, config, domains, certificates) or is gone. */
  push(appId: string): Promise<void> {
    for (const listener of this.listeners) listener(appId);
    const next = (this.pushing.get(appId) ?? Promise.resolve()).catch(() => undefined).then(() => this.pushNow(appId));
    this.pushing.set(appId, next);
    const forget = () => {
      if (this.pushing.get(appId) === next) this.pushing.delete(appId);
    };
    next.then(forget, forget);
    return next;
  }

  private async pushNow(appId: string): Promise<void> {
    const { agent } = this;
    if (!agent.connected) return;
    const app = await this.store.apps.findById(appId);
    if (app) {
      const [config, certificates] = await Promise.all([this.config(app), this.certificates(app.id)]);
      await tolerateOldAgent(agent.setCertificates(app.id, certificates));
      await agent.upsertRoute(config);
    } else await agent.removeApp(appId);
  }
}

/**
 * An agent started by an older Berth (it outlives upgrades of the control plane) has no `certs.*`
 * methods: routing goes on, custom domains get the default certificate until it restarts.
 */
async function tolerateOldAgent(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof RpcError && err.code === 'unknown_method')) throw err;
  }
}
