// The API harness: the real API handler on a real socket over a real store, with recorders for
// what it asks of the platform. `useApi` gives a test file one for all its tests.

import { randomBytes } from 'node:crypto';
import { responseDrift } from './schema-conformance.js';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Accounts } from '../../src/accounts/accounts-service.js';
import { createApiHandler } from '../../src/api/server.js';
import { dashboardHandler } from '../../src/dashboard/dashboard-handler.js';
import type { ApiDeps } from '../../src/api/context.js';
import type { DataPort } from '../../src/api/data-port.js';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { DEFAULT_KEEP_RELEASES } from '../../src/core/disk-policy.js';
import { AppDiskPaths } from '../../src/deploy/app-disk-paths.js';
import { DiskCollector } from '../../src/deploy/disk-collector.js';
import { openStore, type StoreLocation } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { DrainManager } from '../../src/logplex/drain-manager.js';
import { LogChannels } from '../../src/logplex/log-channels.js';
import { LogSessions } from '../../src/logplex/log-sessions.js';
import { NoDynos, NoScheduler, RecordingPlatform } from './recording-platform.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import { PartnerTokens } from '../../src/accounts/partner-tokens.js';
import { PartnerProviders } from '../../src/addons/partner-providers.js';
import { PlatformEventBus } from '../../src/core/platform-events.js';

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
  /** The clock of the API and of the accounts service: real time, moved on by `advance(ms)`. */
  clock: TestClock;
  /** The bus the API publishes platform events on (app webhooks subscribe here). */
  events: PlatformEventBus;
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
export async function startApi(options: ApiOptions = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-api-'));
  const store = await openStore(options.location ?? { kind: 'sqlite', path: join(dir, 'state.sqlite') });
  const clock = testClock();
  const accounts = new Accounts(store, () => clock.now());
  const adminKey = (await accounts.bootstrapAdmin('admin@example.test')) as string;
  const logged: Record<string, unknown>[] = [];
  const lines: EmittedLine[] = [];
  const blobs = new LocalBlobStore(join(dir, 'blobs'));
  const platform = new RecordingPlatform(store, blobs);
  const dataServices = options.data ? await options.data({ store, blobs }) : undefined;
  const channels = await LogChannels.open({ dir: join(dir, 'logs') });
  const drains = await DrainManager.open({ channels });
  const sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  const registry = options.overrides?.addons ?? new AddonRegistry();
  const partners = new PartnerProviders({ store, tokens: new PartnerTokens(store, () => new Date()), registry, region: 'us', timeoutMs: options.partnerTimeoutMs ?? 5_000, log: (event) => logged.push(event) });
  const events = new PlatformEventBus((err) => logged.push({ at: 'error', during: 'platform event', error: String(err) }));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The API's TLS port, as `berth up` has one: the same handler, and capability URLs that ask for TLS use it.
  const tlsServer = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }) : undefined;
  if (tlsServer) await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const tlsAddress = tlsServer?.address();
  const tlsUrl = tlsAddress && typeof tlsAddress === 'object' ? `https://localhost:${tlsAddress.port}` : undefined;
  /** Responses that departed from Heroku's schema (test/support/schema-conformance.ts). */
  const drift: string[] = [];
  const deps: ApiDeps = {
    store,
    accounts,
    urls: {
      webUrl: (app) => `http://${app}.example.test:8080/`,
      gitUrl: (app) => `https://git.example.test:5443/${app}.git`,
      apiUrl: (path) => `${url}${path}`,
      ...(tlsUrl ? { apiTlsUrl: (path: string) => `${tlsUrl}${path}` } : {}),
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
    scheduler: new NoScheduler(),
    // The real collector over this harness's data dir (no dynos, no agent).
    disk: new DiskCollector({
      store,
      blobs,
      paths: new AppDiskPaths(dir),
      budgetBytes: 64 * 1024 * 1024,
      keepReleases: DEFAULT_KEEP_RELEASES,
      liveReleaseIds: () => new Set(),
      forgetApp: async () => undefined,
      log: (event) => logged.push(event),
    }),
    addons: registry,
    addonTimeoutMs: 30_000,
    ...(dataServices ? { data: dataServices.data } : {}),
    partners,
    urlSigningKey: randomBytes(32).toString('hex'),
    blobLimits: { slugBytes: 500 * 1024 * 1024, sourceBytes: 500 * 1024 * 1024 },
    rateLimitPerHour: 4500,
    maxBodyBytes: 64 * 1024,
    events,
    log: (event) => logged.push(event),
    now: () => clock.now(),
    ...options.overrides,
  };
  const handler = createApiHandler(deps);
  // As in bin/berth up: log sessions, then the dashboard's files (when a test gives a dir), then the API.
  const dashboard = options.dashboardDir === undefined ? undefined : dashboardHandler({ dir: options.dashboardDir });
  for (const listener of tlsServer ? [server, tlsServer] : [server]) {
    listener.on('request', (req, res) => {
      if (!sessions.handle(req, res) && !dashboard?.(req, res)) handler(req, res);
    });
  }
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
    clock,
    events,
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
      return fetch(`${url}${path}`, { ...init, headers }).then(async (res) => {
        // Every successful JSON answer is checked against Heroku's schema; close() fails on drift.
        if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) {
          const body = await res.clone().json().catch(() => undefined);
          for (const line of responseDrift(init.method ?? 'GET', path, body)) if (!drift.includes(line)) drift.push(line);
        }
        return res;
      });
    },
    async close() {
      for (const listener of tlsServer ? [server, tlsServer] : [server]) {
        listener.closeAllConnections();
        await new Promise<void>((resolve) => listener.close(() => resolve()));
      }
      sessions.close();
      await dataServices?.stop();
      await drains.close();
      await channels.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
      if (drift.length > 0) throw new Error(`API responses departed from the Platform API schema (fix the response, or list a deliberate departure in schema-conformance.ts):\n${drift.join('\n')}`);
    },
  };
}

export interface ApiOptions {
  location?: StoreLocation;
  /** Serve the dashboard's built files from this directory too (as bin/berth up does). */
  dashboardDir?: string;
  overrides?: Partial<ApiDeps>;
  /** A certificate for `localhost`: the API also listens with TLS (capability URLs that need https use it). */
  tls?: { cert: string; key: string };
  /** How long partner-provider calls may take (default 8 s). */
  partnerTimeoutMs?: number;
  /** Builds the data services (pg:*, redis:*) over the harness's store and blobs. */
  data?: (parts: { store: KyselyStore; blobs: LocalBlobStore }) => Promise<{ data: DataPort; stop(): Promise<void> }>;
}

/** Real time plus whatever a test moved it on by. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** A user of the API made by useApi before the tests run; fields are filled in then. */
export interface ApiUser {
  email: string;
  key: string;
  accountId: string;
  password: string;
}

/** The file's API (an ApiHarness from its `before` on) and the users it made. */
export interface ApiSuite extends ApiHarness {
  /** A non-admin account created (once) before the tests, e.g. `const dev = api.user('dev@example.com')`. */
  user(email: string): ApiUser;
}

/**
 * Starts the API before the tests of the enclosing file or describe block and closes it after
 * them. Users asked for with `user(email)` at the top of the block exist by the time tests run.
 * Node 20 runs a file's top-level `before` hooks concurrently: another top-level hook of the file
 * must not use the API; ask for users with `user()` and do the rest in `setup` (run after them).
 */
export function useApi(options: ApiOptions | (() => ApiOptions) = {}, setup?: (api: ApiHarness) => Promise<void>): ApiSuite {
  let harness: ApiHarness | undefined;
  const users = new Map<string, ApiUser>();
  const running = (): ApiHarness => {
    if (!harness) throw new Error('useApi: the API is not running (used outside the tests of its block?)');
    return harness;
  };
  const suite: ApiSuite = {
    get url() { return running().url; },
    get deps() { return running().deps; },
    get store() { return running().store; },
    get accounts() { return running().accounts; },
    get adminKey() { return running().adminKey; },
    get logged() { return running().logged; },
    get platform() { return running().platform; },
    get blobs() { return running().blobs; },
    get lines() { return running().lines; },
    get channels() { return running().channels; },
    get partners() { return running().partners; },
    get clock() { return running().clock; },
    get events() { return running().events; },
    createUser: (email, password) => running().createUser(email, password),
    request: (path, init) => running().request(path, init),
    close: () => running().close(),
    user(email) {
      const known = users.get(email);
      if (known) return known;
      if (harness) throw new Error(`useApi: ask for user ${email} at the top of the block, before the tests run`);
      const user: ApiUser = { email, key: '', accountId: '', password: '' };
      users.set(email, user);
      return user;
    },
  };
  before(async () => {
    harness = await startApi(typeof options === 'function' ? options() : options);
    for (const user of users.values()) Object.assign(user, await harness.createUser(user.email));
    await setup?.(harness);
  });
  after(async () => {
    await harness?.close();
  });
  return suite;
}
