import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { access, mkdir, readFile, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accounts } from '../accounts/accounts-service.js';
import { gitAppResolver } from './git-app-resolver.js';
import { buildToolchains } from './build-toolchains.js';
import { HostStacks, hostNode, openStackCache, rollAllApps } from './stack-images.js';
import type { StackVersion } from '../stacks/stack-cache.js';
import { PartnerTokens } from '../accounts/partner-tokens.js';
import { ProvisionDeadline } from '../addons/provision-deadline.js';
import { AgentConnection } from '../agent/agent-connection.js';
import { LogForwarder } from '../agent/log-forwarder.js';
import { reapOrphanDynos } from '../agent/reap-orphans.js';
import { AddonLifecycle } from '../api/addon-lifecycle.js';
import type { ApiDeps } from '../api/context.js';
import { apiRoutes, createApiHandler } from '../api/server.js';
import { createInternalApi } from '../api/internal-api.js';
import { RouteMatcher } from '../api/route-matcher.js';
import { ReviewApps } from '../api/review-apps.js';
import { AppPolicy } from '../accounts/app-policy.js';
import { DEFAULT_SESSION_LIMITS } from '../accounts/dashboard-sessions.js';
import { AddonRegistry } from '../core/addon-registry.js';
import { LocalBlobStore } from '../blobs/local-blob-store.js';
import { createDeployPipeline } from '../deploy/deploy-pipeline.js';
import { EgressGuard } from '../egress/egress-guard.js';
import { PlatformEventBus } from '../core/platform-events.js';
import { WebhookRecorder } from '../api/webhook-recorder.js';
import { WebhookSender } from '../webhooks/webhook-sender.js';
import { pushHandler } from '../deploy/push-handler.js';
import { startDataServices } from './data-services.js';
import { StoreAddonDirectory } from './store-addon-directory.js';
import { providerHooks } from './provider-hooks.js';
import { createGitService } from '../git/git-service.js';
import { startSshGit } from './ssh-git.js';
import { logSessionProxy } from '../logplex/log-session-proxy.js';
import { dashboardHandler } from '../dashboard/dashboard-handler.js';
import { ensureLocalCa, type LocalPki } from '../pki/certificate-authority.js';
import { Runtime } from '../runtime/runtime.js';
import { openStore, storeLocationFromUrl, type StoreLocation } from '../store/open-store.js';
import type { Store } from '../store/port.js';
import { agentPaths, instancePrefix } from './agent-paths.js';
import { ensureAgent, stopAgent, type AgentSettings } from './agent-process.js';
import { createCertificateManager } from './acme-wiring.js';
import { builtinAddonProviders } from './addon-providers.js';
import { createApiServers } from './api-servers.js';
import { banner } from './banner.js';
import { CleanupStack } from './cleanup-stack.js';
import { MetricsFlusher } from '../deploy/metrics-flusher.js';
import { dataPaths, ensureDataDir, lockDataDir, writeFileAtomic } from './data-dir.js';
import { closeServer, listen } from './listen.js';
import type { UpOptions } from './options.js';
import { ScheduledBackups } from './scheduled-backups.js';
import { restoreAddonData } from './restore-addon-data.js';
import { systemTimers } from '../agent/dyno-supervisor.js';
import { partnerDeadlinePort } from '../addons/partner-deadline-port.js';
import { PartnerProviders } from '../addons/partner-providers.js';

export interface RunningBerth {
  apiPort: number;
  apiTlsPort: number;
  routerPort: number;
  /** The clean stop of everything: the control plane, then the agent with its router and dynos. */
  stop(): Promise<void>;
  /**
   * Stops only the control plane (an upgrade: SIGHUP, `systemctl reload berth`): the agent, the
   * router, the add-on servers and every dyno keep running for the next `bin/berth up` to adopt.
   */
  detach(): Promise<void>;
}

type Paths = ReturnType<typeof dataPaths>;

const withPort = (scheme: 'http' | 'https', host: string, port: number) =>
  (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;

/** How long a partner provider that answered 202 may take to call back before its add-on fails. */
const PARTNER_PROVISION_DEADLINE_MS = 30 * 60_000;

const builtinBuildpacksDir = fileURLToPath(new URL('../../../buildpacks', import.meta.url));
/** The Vite build of the front end (dist/web beside dist/src). */
const builtDashboardDir = fileURLToPath(new URL('../../web', import.meta.url));

function logLine(event: Record<string, unknown>): void {
  const text = Object.entries(event)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  process.stderr.write(`${text}\n`);
}

/**
 * The control plane's composition root, as a list of steps: take the data dir, open state,
 * connect to (or start) the host agent, wire the deploy pipeline and the API, listen, follow the
 * agent, record and print where everything is. Each step registers its cleanup as it goes;
 * `stop()` (or a failed start) unwinds them newest first.
 */
export async function startBerth(options: UpOptions, print: (text: string) => void): Promise<RunningBerth> {
  const paths = dataPaths(options.dataDir);
  await ensureDataDir(paths.root);
  const cleanups = new CleanupStack((err) => logLine({ at: 'error', during: 'stop', error: String(err) }));
  cleanups.defer(await lockDataDir(paths.pid));
  // berth.json says this instance is up: it goes right before the lock.
  cleanups.defer(() => rm(paths.runtime, { force: true }));
  try {
    const { store, location } = await openState(options, paths, cleanups);
    const accounts = new Accounts(store);
    const createdAdmin = await bootstrapAdmin(accounts, options.adminEmail, paths.adminKey);
    const pki = await ensureLocalCa(paths.tls, { domain: options.domain });
    const blobs = new LocalBlobStore(join(paths.root, 'blobs'));
    // Backups, restores and copies of Postgres add-ons, and the daily backup timer.
    const dataServices = await startDataServices({ store, blobs, directory: new StoreAddonDirectory(store), log: logLine, egress: new EgressGuard(options.allowPrivateUrls) });
    cleanups.defer(() => dataServices.stop());
    const { agent, adopted, routerPorts } = await connectAgent(options, paths.root);
    const forwarder = new LogForwarder(agent);
    const emit = (appId: string, process: string, source: 'app' | 'heroku', message: string) => forwarder.emit(appId, { source, process, message });
    const controlRuntime = await startControlRuntime(options, paths.root, cleanups);
    const { http, https, apiPort, apiTlsPort } = await listenApi(options, pki, cleanups);

    const host = options.domain;
    const gitHost = apiTlsPort === 443 ? host : `${host}:${apiTlsPort}`;
    const apiUrl = withPort('http', host, apiPort);
    // With automatic certificates an app's URL is HTTPS (as Heroku's web_url is); else plain HTTP.
    const webUrl = (app: string) =>
      options.acme && routerPorts.https ? `${withPort('https', `${app}.${host}`, routerPorts.https)}/` : `${withPort('http', `${app}.${host}`, routerPorts.http)}/`;
    const gitUrl = (app: string) => `https://${gitHost}/${app}.git`;

    const diskBudgetBytes = options.diskBudgetBytes ?? (await defaultDiskBudget(paths.root));
    const egress = new EgressGuard(options.allowPrivateUrls);
    // What happens on the platform (releases, builds, scaling, apps, add-ons, dynos), for app webhooks.
    const events = new PlatformEventBus((err, event) => logLine({ at: 'warn', msg: 'platform event subscriber failed', entity: event.entity, error: err instanceof Error ? err.message : String(err) }));
    // The berth-24 images: verified (or built, on a new host) in the background; builds wait for them.
    let rollApps: (version: StackVersion, previous: string | null) => Promise<number> = async () => 0;
    const stacks = options.dynoRoot === 'stack'
      ? new HostStacks(await openStackCache(options.stackCacheDir, options.stackListsDir ? { listsDir: options.stackListsDir } : {}), { log: (line) => logLine({ at: 'info', component: 'stack', msg: line }), rollApps: (v, p) => rollApps(v, p) })
      : undefined;
    stacks?.start();
    const { manager, routes, builds, platform, dynos, disk, scheduler } = createDeployPipeline({
      store,
      blobs,
      agent,
      runtime: controlRuntime,
      // The agent's rendezvous listens on --bind on this host; its certificate names the domain.
      rendezvous: { host: localAddress(options.bind), servername: options.domain, ca: pki.caCert },
      dataDir: paths.root,
      builtinBuildpacksDir,
      buildNetwork: options.outbound ? 'outbound' : 'none',
      ...(options.npmRegistry ? { buildpackEnv: { npm_config_registry: options.npmRegistry } } : {}),
      buildToolchains: buildToolchains(),
      ...(stacks ? { buildStack: stacks } : {}),
      webUrl,
      emit,
      log: logLine,
      ...(options.bootTimeoutMs !== undefined ? { bootTimeoutMs: options.bootTimeoutMs } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
      ...(options.crashCoolOffMs !== undefined ? { crashCoolOffMs: options.crashCoolOffMs } : {}),
      egress,
      events,
      diskBudgetBytes,
      keepReleases: options.keepReleases,
      ...(options.appDiskCapBytes !== undefined ? { appDiskCapBytes: options.appDiskCapBytes } : {}),
      idleAfterMs: options.idleAfterMs,
    });
    // Automatic certificates (ACME): started once the agent is connected (challenges go through it).
    const acme = options.acme
      ? await createCertificateManager(options.acme, { store, routes, domain: options.domain, routerHttpPort: routerPorts.http, log: logLine })
      : undefined;
    // Garbage collection: hourly, after every release, and once now.
    disk.start(3_600_000);
    disk.soon(0);
    cleanups.defer(() => disk.stop());

    // App metrics: the agent aggregates them by minute; finished minutes go to the store (24 h kept).
    const metrics = new MetricsFlusher({ store, source: agent, log: logLine });

    // stacks:update: every app rolls onto the new run image (a restart, never a rebuild).
    rollApps = (version, previous) => rollAllApps({ store, restart: (appId) => dynos.restart(appId), emit: (appId, line) => emit(appId, 'api', 'heroku', line) }, version, previous);
    // Daily backups of Berth itself (--backup-dir): the admin:backup archive, newest N kept.
    if (options.backups) {
      await mkdir(options.backups.dir, { recursive: true, mode: 0o700 });
      const backups = new ScheduledBackups({
        ...options.backups,
        dataDir: paths.root,
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        timers: systemTimers,
        now: () => new Date(),
        log: logLine,
      });
      await backups.start();
      cleanups.defer(() => backups.stop());
    }

    const addonRegistry = new AddonRegistry();
    const partnerTokens = new PartnerTokens(store, () => new Date());
    const partners = new PartnerProviders({ store, tokens: partnerTokens, registry: addonRegistry, region: 'us', log: logLine });
    const apiDeps: ApiDeps = {
      store,
      accounts,
      urls: { webUrl, gitUrl, apiUrl: (path) => `${apiUrl}${path}`, apiTlsUrl: (path) => `${withPort('https', host, apiTlsPort)}${path}` },
      localCaCertificate: pki.caCert.toString('utf8'),
      platform,
      blobs,
      logs: { emit: (appId, process, message) => emit(appId, process, 'app', message) },
      logplex: agent,
      dynos,
      scheduler,
      disk,
      metrics,
      ...(stacks ? { stacks } : {}),
      addons: addonRegistry,
      addonTimeoutMs: 30_000,
      data: dataServices.data,
      partners,
      ...(acme ? { acm: acme.manager } : {}),
      urlSigningKey: await signingKey(join(paths.root, 'url-signing.key')),
      blobLimits: { slugBytes: 500 * 1024 * 1024, sourceBytes: 500 * 1024 * 1024 },
      rateLimitPerHour: 4500,
      maxBodyBytes: 1024 * 1024,
      events,
      log: logLine,
      now: () => new Date(),
      sessionLimits: { idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_LIMITS.idleMs, absoluteMs: options.sessionMaxMs ?? DEFAULT_SESSION_LIMITS.absoluteMs },
    };
    // Add-ons: the framework is every provider's config sink. Providers are registered here, before
    // stale provisions are recovered (recovery asks their provider to clean up). Built in:
    // heroku-postgresql and heroku-redis on the servers the host agent runs (src/addons).
    const builtinProviders = builtinAddonProviders(agent, options.addonsPostgresUrl);
    apiDeps.addons.register(builtinProviders.postgres);
    apiDeps.addons.register(builtinProviders.redis);
    await partners.load();
    const addonLifecycle = new AddonLifecycle(apiDeps);
    dataServices.data.useProviders(() => providerHooks(apiDeps.addons, addonLifecycle, store));
    // The first start after admin:restore recreates the PostgreSQL add-ons' databases from their
    // newest pg:backups backup (in the background: dynos start meanwhile).
    void restoreAddonData({ dataDir: paths.root, store, blobs, postgres: builtinProviders.postgres, sink: addonLifecycle, log: logLine }).catch((err: unknown) =>
      logLine({ at: 'error', event: 'restore_addon_data', error: err instanceof Error ? err.message : String(err) }),
    );
    const staleAddons = await addonLifecycle.recoverStale();
    if (staleAddons.length > 0) logLine({ at: 'warn', msg: 'marked add-ons left provisioning by a crash as failed', addons: staleAddons.length });
    // A partner that answered 202 has PARTNER_PROVISION_DEADLINE_MS to call back, then the add-on fails.
    const partnerDeadline = new ProvisionDeadline(
      partnerDeadlinePort({ store, providers: partners, tokens: partnerTokens, failed: (id, message) => addonLifecycle.failed(id, message), log: logLine }),
      PARTNER_PROVISION_DEADLINE_MS,
      () => new Date(),
    );
    const sweepPartners = () => void partnerDeadline.sweep().catch((err: unknown) => logLine({ at: 'warn', msg: 'partner provision deadline sweep failed', error: err instanceof Error ? err.message : String(err) }));
    sweepPartners();
    const partnerTimer = setInterval(sweepPartners, 30_000);
    partnerTimer.unref();
    cleanups.defer(() => clearInterval(partnerTimer));
    // App webhooks: events become deliveries in the store; the sender posts them in the background.
    const webhookSender = new WebhookSender({ store, egress, log: logLine, ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}) });
    const webhookRecorder = new WebhookRecorder(apiDeps, () => webhookSender.wake());
    events.subscribe((event) => webhookRecorder.publish(event));
    agent.onEvent(({ dyno, previous }) => {
      const action = previous === 'down' ? 'create' : dyno.state === 'down' ? 'destroy' : 'update';
      events.publish({ entity: 'dyno', action, appId: dyno.appId, dyno });
    });
    webhookSender.start();
    cleanups.defer(async () => {
      await webhookSender.stop();
      await webhookRecorder.settled();
    });
    const api = createApiHandler(apiDeps);
    // Review apps: branch pushes make them (during the push), a stale sweep destroys them hourly.
    const reviewApps = new ReviewApps(apiDeps, createInternalApi(new RouteMatcher(apiRoutes), apiDeps, new AppPolicy(store)));
    const sweepReviewApps = () => void reviewApps.sweep(new Date()).catch((err: unknown) => logLine({ at: 'warn', msg: 'review app sweep failed', error: err instanceof Error ? err.message : String(err) }));
    const reviewTimer = setInterval(sweepReviewApps, 60 * 60_000);
    reviewTimer.unref();
    cleanups.defer(() => clearInterval(reviewTimer));
    const git = await createGitService({
      reposDir: join(paths.root, 'repos'),
      authenticate: async (header) => {
        const match = /^Basic\s+(\S+)/i.exec(header ?? '');
        if (!match) return undefined;
        const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
        const auth = await accounts.authenticate(decoded.slice(decoded.indexOf(':') + 1));
        return auth && { accountId: auth.account.id };
      },
      resolveApp: gitAppResolver(store),
      onPush: pushHandler({ store, builds, gitUrl }),
      onBranches: async (push, io) => {
        await reviewApps.onBranches(push, (line) => io.write(line));
      },
      log: logLine,
    });
    cleanups.defer(() => git.close());
    apiDeps.commits = git;
    // git over SSH: Berth's own sshd; the same git service (access, repos, pushes) behind it.
    const ssh = options.sshPort === undefined ? undefined : await startSshGit({ options, dataDir: paths.root, store, git, log: logLine });
    if (ssh) cleanups.defer(() => ssh.stop());
    const sshUrl = ssh && `ssh://git@${ssh.port === 22 ? host : `${host}:${ssh.port}`}/<app>.git`;
    const sessions = logSessionProxy(agentPaths(paths.root).logSocket);
    // The dashboard: `/`, `/assets/*`, `/favicon.ico` (GET and HEAD); every other request is the API's.
    const dashboard = dashboardHandler({ dir: options.dashboardDir ?? builtDashboardDir });
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      if (git.handle(req, res) || sessions(req, res) || dashboard(req, res)) return;
      api(req, res);
    };
    http.on('request', serve);
    https.on('request', serve);

    // Follow the agent: on every (re)connection push the routes and (re)start the dyno manager,
    // which adopts the agent's dynos; when it drops, pause the manager until it is back.
    agent.onConnect(() => routes.pushAll());
    agent.onConnect(() => manager.start());
    agent.onLost(() => manager.stop());
    // Heroku Scheduler follows the agent too: it needs its dyno list and exit events.
    agent.onConnect(() => scheduler.start());
    agent.onLost(() => scheduler.stop());
    await agent.open();
    let keepAgent = false;
    cleanups.defer(async () => {
      agent.stopReconnecting();
      scheduler.stop();
      manager.stop();
      await forwarder.flush();
      if (keepAgent) agent.current?.close();
      else await stopAgent(agent.current, paths.root);
    });
    // Registered after the agent's stop, so it runs before it: the last minutes reach the store.
    metrics.start(15_000);
    cleanups.defer(() => metrics.stop());
    // Stopped before the agent (cleanups unwind newest first).
    if (acme) {
      acme.manager.start(acme.intervalMs);
      cleanups.defer(() => acme.manager.stop());
    }

    const runtime = {
      pid: process.pid,
      api_url: apiUrl,
      api_tls_url: withPort('https', host, apiTlsPort),
      dashboard_url: `${apiUrl}/`,
      git_host: gitHost,
      router_url: withPort('http', `<app>.${host}`, routerPorts.http),
      router_tls_url: routerPorts.https ? withPort('https', `<app>.${host}`, routerPorts.https) : null,
      api_port: apiPort,
      api_tls_port: apiTlsPort,
      router_port: routerPorts.http,
      router_tls_port: routerPorts.https ?? null,
      domain: host,
      admin_key: paths.adminKey,
      ca_cert: pki.caCertPath,
      state: store.dialect,
      agent_adopted: adopted,
      ssh_port: ssh?.port ?? null,
      ssh_git_url: sshUrl ?? null,
      ssh_host_keys: ssh?.hostKeys.map((k) => ({ fingerprint: k.fingerprint, public_key: k.publicKey })) ?? [],
    };
    await writeFileAtomic(paths.runtime, `${JSON.stringify(runtime, null, 2)}\n`, 0o600);
    print(
      banner({
        dataDir: paths.root,
        state: location.kind === 'sqlite' ? `SQLite ${paths.sqlite}` : 'PostgreSQL',
        apiUrl,
        apiTlsUrl: runtime.api_tls_url,
        dashboardUrl: `${apiUrl}/`,
        gitHost,
        ...(ssh && sshUrl ? { ssh: { url: sshUrl, fingerprints: ssh.hostKeys.map((k) => k.fingerprint) } } : {}),
        routerUrl: runtime.router_url,
        adminKeyPath: paths.adminKey,
        caCertPath: pki.caCertPath,
        createdAdmin: createdAdmin ? { email: options.adminEmail } : undefined,
        ...(stacks ? { stack: `dynos run on berth-24 (Debian 13) from ${options.stackCacheDir}; berth stacks shows its version` } : {}),
      }),
    );
    return {
      apiPort,
      apiTlsPort,
      routerPort: routerPorts.http,
      stop: () => cleanups.unwind(),
      detach: () => {
        keepAgent = true;
        return cleanups.unwind();
      },
    };
  } catch (err) {
    await cleanups.unwind();
    throw err;
  }
}

/** Opens (and migrates) the store; builds, releases and app setups a crash left running are marked failed. */
async function openState(options: UpOptions, paths: Paths, cleanups: CleanupStack): Promise<{ store: Store; location: StoreLocation }> {
  const location: StoreLocation = options.databaseUrl ? storeLocationFromUrl(options.databaseUrl) : { kind: 'sqlite', path: paths.sqlite };
  const store = await openStore(location);
  cleanups.defer(() => store.close());
  const failedBuilds = await store.builds.failStale('Berth restarted while this build ran; push again.');
  const failedReleases = await store.releases.failStale();
  const failedSetups = await store.appSetups.failPending('Berth restarted during this app setup; its app stays as far as it got: fix it up, or delete it and run the setup again.');
  const failedPromotions = await store.pipelinePromotions.failStale('Berth restarted while this promotion ran; check the app\'s releases and promote again.');
  if (failedBuilds.length + failedReleases.length + failedSetups.length + failedPromotions.length > 0) {
    logLine({ at: 'warn', msg: 'marked builds, releases, app setups and promotion targets left by a crash as failed', builds: failedBuilds.length, releases: failedReleases.length, app_setups: failedSetups.length, promotion_targets: failedPromotions.length });
  }
  return { store, location };
}

/** Creates the admin account and admin.key on first start; says so when the key file is gone. */
async function bootstrapAdmin(accounts: Accounts, email: string, keyPath: string): Promise<boolean> {
  const adminKey = await accounts.bootstrapAdmin(email);
  if (adminKey !== undefined) await writeFileAtomic(keyPath, `${adminKey}\n`, 0o600);
  else await access(keyPath).catch(() => logLine({ at: 'warn', msg: `${keyPath} is missing; log in with berth login or create a key with an existing one` }));
  return adminKey !== undefined;
}

/** The host agent (dynos, router, logs): adopted when running, started otherwise. It outlives this process unless we stop cleanly. */
async function connectAgent(options: UpOptions, dataDir: string) {
  const settings: AgentSettings = {
    dataDir,
    domain: options.domain,
    bind: options.bind,
    routerPort: options.routerPort,
    routerTlsPort: options.routerTlsPort,
    rendezvousPort: options.rendezvousPort,
    ...(options.metricsIntervalMs !== undefined ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    allowPrivateUrls: options.allowPrivateUrls,
    ...(options.dynoRoot === 'stack' ? { stackCache: options.stackCacheDir } : {}),
  };
  const say = (message: string) => logLine({ at: 'info', msg: message });
  const started = await ensureAgent(settings, say);
  const agent = new AgentConnection(started.client, { reconnect: async () => (await ensureAgent(settings, say)).client, log: logLine });
  return { agent, adopted: started.adopted, routerPorts: started.routerPorts };
}

/**
 * The runtime of build dynos (prefix `<prefix>c`; release-phase dynos run on the agent). Those of a control plane
 * that was killed are still running (their pipes died with it): reap them first.
 */
async function startControlRuntime(options: UpOptions, dataDir: string, cleanups: CleanupStack): Promise<Runtime> {
  const prefix = `${instancePrefix(dataDir)}c`;
  const stateDir = join(dataDir, 'build-dynos');
  const reaped = await reapOrphanDynos(prefix, stateDir);
  if (reaped > 0) logLine({ at: 'warn', msg: 'stopped build dynos left by a previous control plane', dynos: reaped });
  const runtime = new Runtime({
    prefix, stateDir, standby: 0, allowOutbound: options.outbound, warn: (m) => logLine({ at: 'warn', msg: m }),
    // Build dynos name their build image themselves (HostStacks); Berth's buildpacks run on the host's Node.
    ...(options.dynoRoot === 'stack' ? { hostNode: hostNode() } : {}),
  });
  cleanups.defer(() => runtime.shutdown({ killDynos: true }));
  // The bridge and stack copy for build dynos, made now rather than by the first push.
  void runtime.prepare().catch((err: unknown) => logLine({ at: 'warn', msg: `build dyno network: ${err instanceof Error ? err.message : String(err)}` }));
  return runtime;
}

/** Where this host answers on a listener bound to `bind` (a wildcard means loopback will do). */
function localAddress(bind: string): string {
  if (bind === '0.0.0.0' || bind === '') return '127.0.0.1';
  if (bind === '::' || bind === '[::]') return '::1';
  return bind.replace(/^\[(.*)\]$/, '$1');
}

/** The API's HTTP and HTTPS listeners (git pushes come in on HTTPS); requests are wired later. */
async function listenApi(options: UpOptions, pki: LocalPki, cleanups: CleanupStack) {
  const { http, https } = createApiServers({ cert: pki.serverCert, key: pki.serverKey });
  const apiPort = await listen(http, options.apiPort, options.bind);
  cleanups.defer(() => closeServer(http, 5000));
  const apiTlsPort = await listen(https, options.apiTlsPort, options.bind);
  cleanups.defer(() => closeServer(https, 5000));
  return { http, https, apiPort, apiTlsPort };
}

/** Half of the data dir's filesystem: the disk budget when --disk-budget is not given. */
async function defaultDiskBudget(dataDir: string): Promise<number> {
  const fs = await statfs(dataDir);
  return Math.floor((fs.blocks * fs.bsize) / 2);
}

/** The key that signs capability URLs (blob and output URLs), made once per data dir. */
async function signingKey(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing && /^[0-9a-f]{64}$/.test(existing.trim())) return existing.trim();
  const key = randomBytes(32).toString('hex');
  await writeFileAtomic(path, `${key}\n`, 0o600);
  return key;
}
