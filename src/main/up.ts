import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accounts } from '../accounts/accounts-service.js';
import type { AgentClient } from '../agent/agent-client.js';
import { RpcError } from '../agent/json-rpc.js';
import { reapOrphanDynos } from '../agent/reap-orphans.js';
import { AddonLifecycle } from '../api/addon-lifecycle.js';
import type { ApiDeps } from '../api/context.js';
import { createApiHandler } from '../api/server.js';
import { AddonRegistry } from '../core/addon-registry.js';
import { LocalBlobStore } from '../blobs/local-blob-store.js';
import { errorRegistry, PlatformError, type ErrorId } from '../core/errors.js';
import { createGitService } from '../git/git-service.js';
import { ensureLocalCa } from '../pki/certificate-authority.js';
import { Runtime } from '../runtime/runtime.js';
import { DynoManager } from '../scheduler/dyno-manager.js';
import { StoreDesiredSource } from '../scheduler/store-desired-source.js';
import { openStore, storeLocationFromUrl, type StoreLocation } from '../store/open-store.js';
import { agentPaths, instancePrefix } from './agent-paths.js';
import { ensureAgent } from './agent-process.js';
import { banner } from './banner.js';
import { BuildService } from './build-service.js';
import { dataPaths, ensureDataDir, lockDataDir, writeFileAtomic } from './data-dir.js';
import { closeServer, listen } from './listen.js';
import { DynoService } from './dyno-service.js';
import { LogForwarder } from './log-forwarder.js';
import { logSessionProxy } from './log-session-proxy.js';
import type { UpOptions } from './options.js';
import { OutputLogs } from './output-log.js';
import { Platform } from './platform.js';
import { pushHandler } from './push-handler.js';
import { ReleasePhase } from './release-phase.js';
import { RouteSync } from './route-sync.js';
import { LocalSlugDirs } from './slug-dirs.js';

export interface RunningBerth {
  apiPort: number;
  apiTlsPort: number;
  routerPort: number;
  stop(): Promise<void>;
}

const withPort = (scheme: 'http' | 'https', host: string, port: number) =>
  (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;

const builtinBuildpacksDir = fileURLToPath(new URL('../../../buildpacks', import.meta.url));

function logLine(event: Record<string, unknown>): void {
  const text = Object.entries(event)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  process.stderr.write(`${text}\n`);
}

/** Errors from the host agent keep their PlatformError id (invalid_params, conflict…). */
async function viaAgent<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RpcError && err.code in errorRegistry) throw new PlatformError(err.code as ErrorId, err.message);
    throw err;
  }
}

/** Resolves once process `pid` is gone, or after `timeoutMs`. */
async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function signingKey(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing && /^[0-9a-f]{64}$/.test(existing.trim())) return existing.trim();
  const key = randomBytes(32).toString('hex');
  await writeFileAtomic(path, `${key}\n`, 0o600);
  return key;
}

/**
 * The composition root: opens state, connects to (or starts) the host agent, starts the dyno
 * manager and every listener, prints the banner.
 */
export async function startBerth(options: UpOptions, print: (text: string) => void): Promise<RunningBerth> {
  const paths = dataPaths(options.dataDir);
  await ensureDataDir(paths.root);
  const unlock = await lockDataDir(paths.pid);
  const cleanups: Array<() => Promise<void>> = [unlock];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => logLine({ at: 'error', during: 'stop', error: String(err) }));
  };
  try {
    const location: StoreLocation = options.databaseUrl ? storeLocationFromUrl(options.databaseUrl) : { kind: 'sqlite', path: paths.sqlite };
    const store = await openStore(location);
    cleanups.push(() => store.close());
    const failedBuilds = await store.builds.failStale('Berth restarted while this build ran; push again.');
    const failedReleases = await store.releases.failStale();
    if (failedBuilds.length + failedReleases.length > 0) logLine({ at: 'warn', msg: 'marked builds and releases left by a crash as failed', builds: failedBuilds.length, releases: failedReleases.length });
    const accounts = new Accounts(store);
    const adminKey = await accounts.bootstrapAdmin(options.adminEmail);
    if (adminKey !== undefined) await writeFileAtomic(paths.adminKey, `${adminKey}\n`, 0o600);
    else await access(paths.adminKey).catch(() => logLine({ at: 'warn', msg: `${paths.adminKey} is missing; log in with berth login or create a key with an existing one` }));
    const pki = await ensureLocalCa(paths.tls, { domain: options.domain });
    const blobs = new LocalBlobStore(join(paths.root, 'blobs'));

    // The host agent: dynos, router, logs. It outlives this process unless we stop cleanly.
    const agentSettings = {
      dataDir: paths.root,
      domain: options.domain,
      bind: options.bind,
      routerPort: options.routerPort,
      routerTlsPort: options.routerTlsPort,
      rendezvousPort: options.rendezvousPort,
      ...(options.metricsIntervalMs !== undefined ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
    };
    const started = await ensureAgent(agentSettings, (message) => logLine({ at: 'info', msg: message }));
    let agent: AgentClient | undefined = started.client;
    const routerPorts = started.routerPorts;
    const currentAgent = () => agent;
    const forwarder = new LogForwarder(currentAgent);
    const emit = (appId: string, process: string, source: 'app' | 'heroku', message: string) => forwarder.emit(appId, { source, process, message });

    // Build and release-phase dynos of a control plane that was killed are still running (their
    // pipes died with it): reap them before this one starts its own.
    const reapedBuilds = await reapOrphanDynos(`${instancePrefix(paths.root)}c`, join(paths.root, 'build-dynos'));
    if (reapedBuilds > 0) logLine({ at: 'warn', msg: 'stopped build dynos left by a previous control plane', dynos: reapedBuilds });
    const controlRuntime = new Runtime({ prefix: `${instancePrefix(paths.root)}c`, stateDir: join(paths.root, 'build-dynos'), standby: 0, allowOutbound: options.outbound, warn: (m) => logLine({ at: 'warn', msg: m }) });
    cleanups.push(() => controlRuntime.shutdown({ killDynos: true }));
    // The bridge and stack copy for build dynos, made now rather than by the first push.
    void controlRuntime.prepare().catch((err: unknown) => logLine({ at: 'warn', msg: `build dyno network: ${err instanceof Error ? err.message : String(err)}` }));
    const outputs = new OutputLogs(join(paths.root, 'outputs'));
    const slugDirs = new LocalSlugDirs(store, blobs, join(paths.root, 'slugs'));
    const manager = new DynoManager({
      host: {
        list: () => agent ? agent.list() : Promise.resolve([]),
        start: (launch) => (agent ? agent.start(launch) : Promise.reject(new Error('the host agent is not connected'))),
        stop: (id, grace) => (agent ? agent.stop(id, grace) : Promise.resolve()),
        forget: (id) => (agent ? agent.forget(id) : Promise.resolve()),
        onEvent: (listener) => {
          const listeners = agentListeners;
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      source: new StoreDesiredSource(store),
      slugs: slugDirs,
      now: () => Date.now(),
      ...(options.bootTimeoutMs !== undefined ? { bootTimeoutMs: options.bootTimeoutMs } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
      log: (appId, process, message) => emit(appId, process, 'heroku', message),
      onError: (appId, err) => logLine({ at: 'error', during: 'reconcile', app_id: appId, error: err instanceof Error ? err.message : String(err) }),
    });
    const agentListeners = new Set<Parameters<AgentClient['onEvent']>[0]>();
    const routes = new RouteSync(store, currentAgent);

    const host = options.domain;
    const http = createHttpServer();
    const https = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey });
    // git pushes can upload for a long time; the git service has its own limits.
    http.requestTimeout = 0;
    https.requestTimeout = 0;
    const apiPort = await listen(http, options.apiPort, options.bind);
    cleanups.push(() => closeServer(http, 5000));
    const apiTlsPort = await listen(https, options.apiTlsPort, options.bind);
    cleanups.push(() => closeServer(https, 5000));
    const actualGitHost = apiTlsPort === 443 ? host : `${host}:${apiTlsPort}`;
    const apiUrl = withPort('http', host, apiPort);
    const webUrl = (app: string) => `${withPort('http', `${app}.${host}`, routerPorts.http)}/`;
    const gitUrl = (app: string) => `https://${actualGitHost}/${app}.git`;

    let platform: Platform;
    const releasePhase = new ReleasePhase({ store, runtime: controlRuntime, slugDirs, outputs, logs: emit });
    const builds = new BuildService({
      store,
      blobs,
      runtime: controlRuntime,
      outputs,
      dataDir: paths.root,
      builtinBuildpacksDir,
      buildNetwork: options.outbound ? 'outbound' : 'none',
      deploy: (app, release, output) => platform.deploy(app, release, output),
      webUrl,
      log: logLine,
    });
    platform = new Platform({
      store,
      blobs,
      manager,
      builds,
      releasePhase,
      outputs,
      routes,
      apiLog: (appId, message) => emit(appId, 'api', 'app', message),
      maxSourceBytes: 500 * 1024 * 1024,
      verifyTimeoutMs: 60_000,
    });

    const apiDeps: ApiDeps = {
      store,
      accounts,
      urls: { webUrl, gitUrl, apiUrl: (path) => `${apiUrl}${path}` },
      platform,
      blobs,
      logs: { emit: (appId, process, message) => emit(appId, process, 'app', message) },
      logplex: {
        issueSession: (appId, request) => viaAgent(() => (agent ? agent.issueLogSession(appId, request) : Promise.reject(new Error('the host agent is not connected')))),
        addDrain: (appId, url) => viaAgent(() => (agent ? agent.addDrain(appId, url) : Promise.reject(new Error('the host agent is not connected')))),
        listDrains: (appId) => viaAgent(() => (agent ? agent.listDrains(appId) : Promise.resolve([]))),
        removeDrain: (appId, key) => viaAgent(() => (agent ? agent.removeDrain(appId, key) : Promise.reject(new Error('the host agent is not connected')))),
      },
      dynos: new DynoService({ store, manager, slugDirs, agent: currentAgent }),
      addons: new AddonRegistry(),
      addonTimeoutMs: 30_000,
      urlSigningKey: await signingKey(join(paths.root, 'url-signing.key')),
      blobLimits: { slugBytes: 500 * 1024 * 1024, sourceBytes: 500 * 1024 * 1024 },
      rateLimitPerHour: 4500,
      maxBodyBytes: 1024 * 1024,
      log: logLine,
      now: () => new Date(),
    };
    // Add-ons: the framework is every provider's config sink. Providers are registered here, before
    // stale provisions are recovered (recovery asks their provider to clean up), e.g.
    //   apiDeps.addons.register(new PostgresProvider({ ..., sink: addonLifecycle }));
    const addonLifecycle = new AddonLifecycle(apiDeps);
    const staleAddons = await addonLifecycle.recoverStale();
    if (staleAddons.length > 0) logLine({ at: 'warn', msg: 'marked add-ons left provisioning by a crash as failed', addons: staleAddons.length });
    const handler = createApiHandler(apiDeps);
    const git = await createGitService({
      reposDir: join(paths.root, 'repos'),
      authenticate: async (header) => {
        const match = /^Basic\s+(\S+)/i.exec(header ?? '');
        if (!match) return undefined;
        const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
        const auth = await accounts.authenticate(decoded.slice(decoded.indexOf(':') + 1));
        return auth && { accountId: auth.account.id };
      },
      resolveApp: async (name, accountId) => {
        const app = await store.apps.findByName(name);
        if (!app) return 'not_found';
        const account = await store.accounts.findById(accountId);
        return account && (account.isAdmin || app.ownerId === account.id) ? { appId: app.id, appName: app.name } : 'forbidden';
      },
      onPush: pushHandler({ store, builds, gitUrl }),
      log: logLine,
    });
    cleanups.push(() => git.close());
    const sessions = logSessionProxy(agentPaths(paths.root).logSocket);
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      if (git.handle(req, res) || sessions(req, res)) return;
      handler(req, res);
    };
    http.on('request', serve);
    https.on('request', serve);

    // Adopt the agent's dynos, push routes, and keep the connection (reconnect if it drops).
    let stopping = false;
    const attach = async (client: AgentClient) => {
      agent = client;
      client.onEvent((event) => {
        for (const listener of agentListeners) listener(event);
      });
      await routes.pushAll();
      await manager.start();
      void client.closed.then(async () => {
        if (stopping) return;
        agent = undefined;
        manager.stop();
        logLine({ at: 'warn', msg: 'lost the host agent; reconnecting' });
        for (let attempt = 0; !stopping; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** attempt)));
          try {
            await attach((await ensureAgent(agentSettings, (message) => logLine({ at: 'info', msg: message }))).client);
            return;
          } catch (err) {
            logLine({ at: 'error', during: 'agent reconnect', error: err instanceof Error ? err.message : String(err) });
          }
        }
      });
    };
    await attach(started.client);
    cleanups.push(async () => {
      stopping = true;
      manager.stop();
      await forwarder.flush();
      // The agent closes its socket before it has stopped its runtime and exited: wait for the
      // process itself, so nothing of this instance is left once `berth up` has exited.
      const recorded = Number((await readFile(agentPaths(paths.root).agentPid, 'utf8').catch(() => '')).trim());
      const pid = (await agent?.hello().then((hello) => Number(hello.pid), () => undefined)) ?? (recorded > 0 ? recorded : undefined);
      const asked = agent ? await agent.shutdown(true).then(() => true, () => false) : false;
      if (asked) await agent?.closed;
      else if (pid) {
        // No connection to ask over (it dropped, or is being re-established): the agent stops
        // its dynos and itself on SIGTERM too.
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      if (pid) await waitForExit(pid, 20_000);
    });

    const runtime = {
      pid: process.pid,
      api_url: apiUrl,
      api_tls_url: withPort('https', host, apiTlsPort),
      git_host: actualGitHost,
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
      agent_adopted: started.adopted,
    };
    await writeFileAtomic(paths.runtime, `${JSON.stringify(runtime, null, 2)}\n`, 0o600);
    cleanups.splice(1, 0, () => rm(paths.runtime, { force: true }));
    print(
      banner({
        dataDir: paths.root,
        state: location.kind === 'sqlite' ? `SQLite ${paths.sqlite}` : 'PostgreSQL',
        apiUrl,
        apiTlsUrl: runtime.api_tls_url,
        gitHost: actualGitHost,
        routerUrl: runtime.router_url,
        adminKeyPath: paths.adminKey,
        caCertPath: pki.caCertPath,
        createdAdmin: adminKey !== undefined ? { email: options.adminEmail } : undefined,
      }),
    );
    return { apiPort, apiTlsPort, routerPort: routerPorts.http, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
