import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { access } from 'node:fs/promises';
import { Accounts } from '../accounts/accounts-service.js';
import { createApiHandler } from '../api/server.js';
import { createRouterHandler } from '../router/router-handler.js';
import { ensureLocalCa } from '../pki/certificate-authority.js';
import { openStore, storeLocationFromUrl, type StoreLocation } from '../store/open-store.js';
import { banner } from './banner.js';
import { dataPaths, ensureDataDir, lockDataDir, writeFileAtomic } from './data-dir.js';
import { closeServer, listen } from './listen.js';
import type { UpOptions } from './options.js';

export interface RunningBerth {
  apiPort: number;
  apiTlsPort: number;
  routerPort: number;
  stop(): Promise<void>;
}

const withPort = (scheme: 'http' | 'https', host: string, port: number) =>
  (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;

function logLine(event: Record<string, unknown>): void {
  const text = Object.entries(event)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  process.stderr.write(`${text}\n`);
}

/** The composition root: opens state, starts every listener, prints the banner. */
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
    const accounts = new Accounts(store);
    const adminKey = await accounts.bootstrapAdmin(options.adminEmail);
    if (adminKey !== undefined) await writeFileAtomic(paths.adminKey, `${adminKey}\n`, 0o600);
    else await access(paths.adminKey).catch(() => logLine({ at: 'warn', msg: `${paths.adminKey} is missing; log in with berth login or create a key with an existing one` }));

    const pki = await ensureLocalCa(paths.tls, { domain: options.domain });

    const http = createHttpServer();
    const https = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey });
    const router = createHttpServer();
    const apiPort = await listen(http, options.apiPort, options.bind);
    cleanups.push(() => closeServer(http, 5000));
    const apiTlsPort = await listen(https, options.apiTlsPort, options.bind);
    cleanups.push(() => closeServer(https, 5000));
    const routerPort = await listen(router, options.routerPort, options.bind);
    cleanups.push(() => closeServer(router, 5000));

    const host = options.domain;
    const gitHost = apiTlsPort === 443 ? host : `${host}:${apiTlsPort}`;
    const handler = createApiHandler({
      store,
      accounts,
      urls: {
        webUrl: (app) => `${withPort('http', `${app}.${host}`, routerPort)}/`,
        gitUrl: (app) => `https://${gitHost}/${app}.git`,
      },
      rateLimitPerHour: 4500,
      maxBodyBytes: 1024 * 1024,
      log: logLine,
      now: () => new Date(),
    });
    http.on('request', handler);
    https.on('request', handler);
    router.on(
      'request',
      createRouterHandler({
        domain: host,
        lookup: async (name) => {
          const app = await store.apps.findByName(name);
          return app && { app: app.name, maintenance: app.maintenance };
        },
      }),
    );

    const apiUrl = withPort('http', host, apiPort);
    const runtime = {
      pid: process.pid,
      api_url: apiUrl,
      api_tls_url: withPort('https', host, apiTlsPort),
      git_host: gitHost,
      router_url: withPort('http', `<app>.${host}`, routerPort),
      api_port: apiPort,
      api_tls_port: apiTlsPort,
      router_port: routerPort,
      domain: host,
      admin_key: paths.adminKey,
      ca_cert: pki.caCertPath,
      state: store.dialect,
    };
    await writeFileAtomic(paths.runtime, `${JSON.stringify(runtime, null, 2)}\n`, 0o600);
    cleanups.splice(1, 0, async () => {
      const { rm } = await import('node:fs/promises');
      await rm(paths.runtime, { force: true });
    });
    print(
      banner({
        dataDir: paths.root,
        state: location.kind === 'sqlite' ? `SQLite ${paths.sqlite}` : 'PostgreSQL',
        apiUrl,
        apiTlsUrl: runtime.api_tls_url,
        gitHost,
        routerUrl: runtime.router_url,
        adminKeyPath: paths.adminKey,
        caCertPath: pki.caCertPath,
        createdAdmin: adminKey !== undefined ? { email: options.adminEmail } : undefined,
      }),
    );
    return { apiPort, apiTlsPort, routerPort, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
