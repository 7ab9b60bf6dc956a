import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts } from '../../src/accounts/accounts-service.js';
import { createApiHandler } from '../../src/api/server.js';
import type { ApiDeps } from '../../src/api/context.js';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { openStore, type StoreLocation } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { LogSessions } from '../../src/logplex/log-sessions.js';
import { NoDynos, RecordingPlatform } from './recording-platform.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import { PartnerTokens } from '../../src/accounts/partner-tokens.js';
import { PartnerProviders } from '../../src/addons/partner-providers.js';

/** A platform log line the API emitted (`app[api]: …`). */
export interface EmittedLine {
  appId: string;
  process: string;
  message: string;
}

export interface ApiHarness {
  url: string;
  /** What the API runs on (e.g. its add-on registry, to register test providers). */
  deps: ApiDeps;
  /** Third-party providers: registered ones become real PartnerProviders in `deps.addons`; their OAuth tokens. */
  partners: PartnerProviders;
  store: KyselyStore;
  accounts: Accounts;
  adminKey: string;
  /** Events the API logged (500s land here with their request id). */
  logged: Record<string, unknown>[];
  /** What the API asked of the builder and dyno manager; its slug check is real. */
  platform: RecordingPlatform;
  /** The blob store (a real local one in the harness's temp dir). */
  blobs: LocalBlobStore;
  /** `app[api]` lines, in order. */
  lines: EmittedLine[];
  /** Real log channels behind the log-sessions and log-drains endpoints (keyed by app id). */
  channels: LogChannels;
  /** Creates a non-admin account and returns its API key. */
  createUser(email: string, password?: string): Promise<{ key: string; accountId: string; password: string }>;
  /** fetch against the API with Heroku's Accept header and, unless given, no auth. */
  request(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real API handler on a real socket over a real store (SQLite in a temp dir unless a
 * location is given). `overrides` adjusts deps such as the rate limit.
 */
export async function startApi(options: { location?: StoreLocation; overrides?: Partial<ApiDeps>; partnerTimeoutMs?: number } = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-api-'));
  const store = await openStore(options.location ?? { kind: 'sqlite', path: join(dir, 'state.sqlite') });
  const accounts = new Accounts(store);
  const adminKey = (await accounts.bootstrapAdmin('admin@example.test')) as string;
  const logged: Record<string, unknown>[] = [];
  const lines: EmittedLine[] = [];
  const blobs = new LocalBlobStore(join(dir, 'blobs'));
  const platform = new RecordingPlatform(store, blobs);
  const channels = await LogChannels.open({ dir: join(dir, 'logs') });
  const drains = await DrainManager.open({ channels });
  const sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  const registry = options.overrides?.addons ?? new AddonRegistry();
  const partners = new PartnerProviders({ store, tokens: new PartnerTokens(store, () => new Date()), registry, region: 'us', timeoutMs: options.partnerTimeoutMs ?? 5_000, log: (event) => logged.push(event) });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const deps: ApiDeps = {
    store,
    accounts,
    urls: {
      webUrl: (app) => `http://${app}.example.test:8080/`,
      gitUrl: (app) => `https://git.example.test:5443/${app}.git`,
      apiUrl: (path) => `${url}${path}`,
    },
    platform,
    blobs,
    logs: { emit: (appId, process, message) => lines.push({ appId, process, message }) },
    logplex: {
      issueSession: async (appId, request) => sessions.issue(appId, request),
      addDrain: (appId, url) => drains.add(appId, url),
      listDrains: async (appId) => drains.list(appId),
      removeDrain: (appId, key) => drains.remove(appId, key),
    },
    dynos: new NoDynos(),
    addons: registry,
    addonTimeoutMs: 30_000,
    partners,
    urlSigningKey: randomBytes(32).toString('hex'),
    blobLimits: { slugBytes: 500 * 1024 * 1024, sourceBytes: 500 * 1024 * 1024 },
    rateLimitPerHour: 4500,
    maxBodyBytes: 64 * 1024,
    log: (event) => logged.push(event),
    now: () => new Date(),
    ...options.overrides,
  };
  const handler = createApiHandler(deps);
  server.on('request', (req, res) => {
    if (!sessions.handle(req, res)) handler(req, res);
  });
  return {
    url,
    deps,
    partners,
    store,
    accounts,
    adminKey,
    logged,
    platform,
    blobs,
    lines,
    channels,
    async createUser(email, password = 'correct horse battery') {
      const { account } = await accounts.create({ email, password });
      const { token } = await accounts.issueKey(account.id, 'test key');
      return { key: token, accountId: account.id, password };
    },
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('accept')) headers.set('accept', 'application/vnd.heroku+json; version=3');
      if (init.key !== undefined) headers.set('authorization', `Bearer ${init.key}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${url}${path}`, { ...init, headers });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sessions.close();
      await drains.close();
      await channels.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
