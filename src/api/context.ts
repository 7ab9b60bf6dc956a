import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Account, App, Authorization } from '../core/model.js';
import type { DrainView } from '../core/drain-view.js';
import type { DynoRecord } from '../core/dyno-host.js';
import type { AppMetricRows } from '../core/app-metrics.js';
import type { Plan } from '../core/dyno-plan.js';
import type { Accounts } from '../accounts/accounts-service.js';
import type { AppPolicy } from '../accounts/app-policy.js';
import type { DashboardSessions, LiveSession, SessionLimits } from '../accounts/dashboard-sessions.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Access } from '../core/access-policy.js';
import type { AddonRegistry } from '../core/addon-registry.js';
import type { DataPort } from './data-port.js';
import type { InternalApi } from './internal-api.js';
import type { PlatformEvents } from '../core/platform-events.js';
import type { PartnerTokens } from '../accounts/partner-tokens.js';
import type { AddonProviderRecord, Build, Release, SchedulerJob, Slug, Store, Team } from '../store/port.js';

/** Where a build's source tarball is: a blob of ours (from POST /sources) or a URL to fetch. */
export type BuildSource = { kind: 'blob'; key: string } | { kind: 'url'; url: string };

/** How a promoted release ended on its target. */
export type PromotedRelease = { release: Release; status: Release['status']; failure?: string };

/** The verdict of the slug safety check (gzip + tar, no absolute paths, `..` or escaping links). */
export type SlugCheck = { ok: true } | { ok: false; reason: string };

/**
 * What the API needs from the rest of the platform (builder, dyno manager), implemented in the
 * composition root. The notification methods are called after the store committed, without
 * waiting: they must return quickly and do their work asynchronously; a rejection is logged.
 */
export interface PlatformPort {
  /**
   * A release was created: announce it in the app's log (core/release-announcement.ts), then,
   * succeeded: roll the dynos onto it; pending (its slug declares a `release` process type): run
   * the release phase, then store.releases.finish(id, status) and roll the dynos if it succeeded.
   */
  releaseCreated(app: App, release: Release): void | Promise<void>;
  /**
   * Resolves true once no formation dyno of the app runs a release older than `release` (the
   * old dynos drained and stopped), false if some still do after `timeoutMs`.
   */
  rolled(app: App, release: Release, timeoutMs: number): Promise<boolean>;
  /** The app's routing changed (renamed, maintenance mode, custom domains, certificates): the router must know at once. */
  appChanged(app: App): void | Promise<void>;
  /** The app's formation changed (scale, resize), or the app was deleted (its formation is then empty). */
  formationChanged(app: App): void | Promise<void>;
  /** Runs the build asynchronously; ends it with store.builds.finish (never leaves it pending). */
  startBuild(app: App, build: Build, source: BuildSource): void | Promise<void>;
  /** Cancels a pending build; resolves once it is cancelled (or already over). */
  cancelBuild(app: App, build: Build): Promise<void>;
  /** Empties the app's build cache. */
  clearBuildCache(app: App): Promise<void>;
  /**
   * Destroys the app: cancels its builds (resolving once they ended), calls `removeRows` (the
   * store deletion), then, asynchronously, stops its dynos and removes everything it owns on disk
   * (slug blobs, unpacked slugs, build cache, git repository, log history, build and release output).
   */
  destroyApp(app: App, removeRows: () => Promise<void>): Promise<void>;
  /**
   * A pipeline promotion's release on one target app: waits in the app's deploy queue (behind its
   * running build and release phase), calls `create` (the store release of the promoted slug),
   * hands the release to `created`, then takes it through the one release path (announcement,
   * release phase, dynos). Resolves with the final status and, failed, why (a sentence).
   */
  promote(app: App, create: () => Promise<Release>, created: (release: Release) => Promise<void>): Promise<PromotedRelease>;
  /** Checks an uploaded slug before a release uses it (the builder's tarball validator). */
  validateSlug(slug: Slug): Promise<SlugCheck>;
  /**
   * The output of a build or a release phase, from the start, following it live until it ends;
   * undefined when there is none (unknown id, or nothing kept).
   */
  openOutput(kind: 'build' | 'release', id: string): Promise<AsyncIterable<Uint8Array | string> | undefined>;
  /**
   * Runs `command` (an app.json script such as postdeploy) in an attached one-off dyno of
   * `release` (named `<type>.NNNN`), its lines going to the app's log too; resolves with its exit
   * status and output (the first `maxOutputBytes`). Rejects when the dyno could not run.
   */
  /**
   * Downloads a tenant's source URL (through the egress guard, capped like a build's) into a
   * new blob and resolves with its key (`sources/<uuid>.tgz`).
   */
  fetchSource(url: string): Promise<string>;
  runScript(app: App, release: Release, command: string, options: { type: string; timeoutMs: number; maxOutputBytes: number }): Promise<ScriptRun>;
}

/** What a script run (PlatformPort.runScript) ended with. */
export interface ScriptRun {
  exitCode: number;
  output: string;
}

/** The blob store as the API uses it (src/blobs' BlobStore satisfies it). */
export interface BlobPort {
  /** Stores the stream atomically under key; if the stream errors, nothing is stored and it rejects. */
  put(key: string, source: Readable): Promise<{ size: number; sha256: string }>;
  /** Stores the stream only if the key holds nothing yet; undefined (nothing changed) when it does. */
  putOnce(key: string, source: Readable): Promise<{ size: number; sha256: string } | undefined>;
  /** The blob's content; rejects when missing (call stat first). */
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<boolean>;
}

/** Platform lines into an app's log channel: emit(app.id, 'api', 'Release v3 created by user …') → `app[api]: …`. */
export interface LogPort {
  emit(appId: string, process: string, message: string): void;
}

/** Logplex as the API uses it: tail sessions and drains (the host agent serves both). */
export interface LogplexPort {
  /** A session whose `path` (e.g. `/log-sessions/<secret>`) the API's own server streams. */
  issueSession(appId: string, request: Record<string, unknown>): Promise<{ id: string; path: string }>;
  addDrain(appId: string, url: unknown): Promise<DrainView>;
  listDrains(appId: string): Promise<DrainView[]>;
  /** `key` is the drain's id, url or token. */
  removeDrain(appId: string, key: string): Promise<DrainView>;
}

/** A one-off dyno request (`POST /apps/:app/dynos`), validated by the API. */
export interface OneOffRequest {
  command: string;
  attach: boolean;
  /** Canonical size name. */
  size: string;
  env: Record<string, string>;
  type: string;
  tty: boolean;
  timeToLiveSeconds: number;
  user: { id: string; email: string };
  /** Run on this release (its slug and config) instead of the current one (`run:inside`). */
  releaseId?: string;
}

/** The dyno manager as the API uses it (ps, restart, stop, run). */
export interface DynoPort {
  list(appId: string): DynoRecord[];
  /** Restarts every dyno, or those of one type, rolling like a deploy. */
  restart(appId: string, type?: string): void;
  /** Rolls one formation dyno: its replacement starts (a web dyno's is up) before it stops. */
  restartDyno(appId: string, type: string, index: number): void;
  /** Stops one dyno now (formation dynos are then started again by the loop). */
  stop(dynoId: string): Promise<void>;
  run(app: App, request: OneOffRequest): Promise<DynoRecord>;
  plan(appId: string): Promise<Plan>;
}

/** The host agent's metric rows as the API reads them: the current minute and those not flushed to the store yet. */
export interface MetricsPort {
  /** The app's rows with from ≤ minute ≤ to (unix seconds) the agent holds; empty when it is not connected. */
  recent(appId: string, from: number, to: number): Promise<AppMetricRows>;
}

/** Heroku Scheduler's runner as the API uses it (src/deploy/scheduler-jobs.ts). */
export interface SchedulerPort {
  /** Jobs were added, changed or removed: run what is due and re-arm the timer (does not wait). */
  changed(): void | Promise<void>;
  /**
   * Runs the job now, outside its schedule: the started `scheduler.N` dyno. Throws `conflict` while
   * its previous run is still running, `invalid_params` when the app has no release yet.
   */
  runNow(app: App, job: SchedulerJob): Promise<DynoRecord>;
}

/**
 * Third-party add-on providers as the API uses them: their OAuth tokens, and telling the
 * composition root (which builds providers) that an admin registered or removed one, so the
 * add-on registry and its catalog follow at once.
 */
export interface PartnerPort {
  tokens: PartnerTokens;
  /** Builds the provider and registers it (its service and plans join the catalog); throws if the catalog refuses it. */
  registered(record: AddonProviderRecord): void;
  /** Unregisters the provider and its service. */
  removed(id: string): void;
}

/** One commit as `pipelines:diff` shows it. */
export interface CommitInfo {
  sha: string;
  author: string;
  date: string;
  message: string;
}

/** The apps' git repositories as the API reads them (the git service implements it). */
export interface CommitPort {
  /**
   * Commits `head` has and `base` lacks in the app's repository, newest first (at most `max`)
   * with their total; undefined when the repository lacks either commit.
   */
  commitsBetween(appId: string, base: string, head: string, max: number): Promise<{ total: number; commits: CommitInfo[] } | undefined>;
}

/** Bytes an app owns on disk, by kind. */
export interface AppDiskUsage {
  slugs: number;
  unpackedSlugs: number;
  buildCache: number;
  repo: number;
  logs: number;
  total: number;
}

/** `GET /admin/disk`: usage per app and in total, against the disk budget. */
export interface DiskReport {
  apps: Array<{ id: string; name: string; usage: AppDiskUsage }>;
  totals: AppDiskUsage;
  /** The budget the collector keeps app-owned usage (`totals.total`) under. */
  budgetBytes: number;
  keepReleases: number;
  filesystem: { sizeBytes: number; freeBytes: number };
  /** The last garbage collection, if one ran since the control plane started. */
  lastCollection: DiskCollection | null;
}

/** What one garbage collection did. */
export interface DiskCollection {
  at: string;
  prunedSlugs: number;
  removedSlugDirs: number;
  droppedCaches: number;
  removedOrphans: number;
  freedBytes: number;
  usedBytes: number;
}

/** A stack as this host has it (GET /stacks): the image version dynos start on, or host-root mode. */
export interface StackDescription {
  name: string;
  /** `Debian 13 (trixie)`. */
  base: string;
  /** `image`: dynos run on the stack image; `host`: on the host's /usr (the fallback mode). */
  dynoRoot: 'image' | 'host';
  /** `ready`, or `building` while this host builds its first version. */
  state: 'ready' | 'building';
  version: string | null;
  builtAt: string | null;
  contentHash: string | null;
  runImageBytes: number | null;
  buildImageBytes: number | null;
  packages: number | null;
}

/** The host's stack images: described for GET /stacks, rebuilt and rolled by an admin. */
export interface StackPort {
  describe(): Promise<StackDescription[]>;
  /** Rebuild the images (new package versions), make the result current and roll every running
   *  dyno onto it without a rebuild; resolves when the new version is current and the roll started. */
  update(name: string, progress: (line: string) => void): Promise<{ version: string; previous: string | null; apps: number }>;
}

/** The disk as the API uses it (admin:disk, apps' repo_size). */
export interface DiskPort {
  report(): Promise<DiskReport>;
  /** Bytes of the app's git repository (`repo_size`), or null before its first push. */
  repoSize(appId: string): Promise<number | null>;
}

/** The certificate manager as the API sees it: look at the apps again soon (ACM turned on or refreshed). */
export interface AcmPort {
  kick(): void;
}

/** Everything the API needs from the composition root. */
export interface ApiDeps {
  store: Store;
  accounts: Accounts;
  urls: {
    /** `http://<app>.<domain>:<router port>/` */
    webUrl(appName: string): string;
    /** `https://<git host>/<app>.git` */
    gitUrl(appName: string): string;
    /** The absolute URL of an API path (`/blobs/…`), for capability URLs handed to clients. */
    apiUrl(path: string): string;
    /** The same over HTTPS, when the API listens on TLS too (clients that only speak https, e.g. `heroku pg:backups:download`). */
    apiTlsUrl?(path: string): string;
  };
  /**
   * The local CA certificate (PEM) that signs the git host's, the API's HTTPS and the rendezvous's
   * certificates; absent when they are publicly trusted. `GET /instance` hands it to clients.
   */
  localCaCertificate?: string;
  platform: PlatformPort;
  blobs: BlobPort;
  logs: LogPort;
  logplex: LogplexPort;
  dynos: DynoPort;
  /** Heroku Scheduler: the runner of the apps' scheduled jobs. */
  scheduler: SchedulerPort;
  disk: DiskPort;
  /** The host's stack images; absent, GET /stacks describes the stacks without versions. */
  stacks?: StackPort;
  /** Add-on services, plans and the providers that make them (registered by the composition root). */
  addons: AddonRegistry;
  /** How long a provider may take to provision, change a plan or deprovision before it counts as failed. */
  addonTimeoutMs: number;
  /** Live app metrics from the host agent (`GET /apps/:app/metrics`); absent, that route answers from the store alone. */
  metrics?: MetricsPort;
  /** Data services behind `pg:*` and `redis:*` (Heroku's data API); absent, those routes answer 404. */
  data?: DataPort;
  /** Third-party providers (partner API): registration and their OAuth tokens. */
  partners: PartnerPort;
  /**
   * Automatic certificates (ACME); absent when this Berth has none (`up --acme off`, or a domain no
   * public CA certifies): `acm` is false and `POST /apps/:app/acm` explains why.
   */
  acm?: AcmPort;
  /** The apps' git repositories (`pipelines:diff`); absent, the diff reports commits it cannot list as unknown. */
  commits?: CommitPort;
  /**
   * Secret for capability URLs (blob uploads and downloads, output streams): at least 32 random
   * bytes, kept across restarts so URLs already handed out stay valid until they expire.
   */
  urlSigningKey: string;
  /** Largest slug and source tarball accepted, in bytes (Heroku: 500 MB slugs). */
  blobLimits: { slugBytes: number; sourceBytes: number };
  /** Requests per account per hour (Heroku: 4500). */
  rateLimitPerHour: number;
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes: number;
  /** How long a JSON body may take to arrive (default 30 s); a slower client gets 408. */
  bodyDeadlineMs?: number;
  /** Failed email:password logins allowed per client address and per email in 15 minutes. */
  loginFailureLimit?: { perClient: number; perEmail: number };
  /** Dashboard sessions' idle and absolute expiry (default 2 h and 24 h). */
  sessionLimits?: SessionLimits;
  /** Attempts per hour on sign-up and invitation routes (defaults: api/route-throttles.ts). */
  throttleLimits?: Partial<Record<ThrottleKind, { perClient: number; perEmail?: number }>>;
  /** What happened (app created, scaled, add-on provisioned…), published after commit for app webhooks. */
  events: PlatformEvents;
  log(event: Record<string, unknown>): void;
  now(): Date;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  url: URL;
  params: Record<string, string>;
  deps: ApiDeps;
  /** The API's own routes, callable in-process (long-running work such as app setups). */
  internal: InternalApi;
  /** Set for every route that requires authentication. */
  account: Account;
  authorization?: Authorization;
  /** The dashboard session, when its cookie authenticated the request. */
  session?: LiveSession;
  /** Dashboard logins: the sessions and the failed-login throttle (absent for in-process calls). */
  dashboard?: { sessions: DashboardSessions; logins: LoginThrottle };
  /** The route's access rule for this request (src/api/app-access.ts reads it). */
  access: RequestAccess;
  body(): Promise<Record<string, unknown>>;
}

/** The policy table row in force for one request, and what the server resolved under it. */
export interface RequestAccess {
  readonly rule: Access;
  readonly policy: AppPolicy;
  /** The app named by `:app`, resolved and authorized before the handler (rules `{ app }`). */
  app?: App;
  /** The team named by `:team`, resolved and authorized before the handler (rules `{ team }`). */
  team?: Team;
  /** Set once the handler asked the policy (rules `{ app, via: 'handler' }`). */
  checked: boolean;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A streamed body (blob downloads, output streams) instead of JSON; `headers` set its type. */
  stream?: AsyncIterable<Uint8Array | string>;
}

/** How a route authenticates: an API key, Basic email:password or a key, or nothing. */
export type AuthMode = 'key' | 'login' | 'none';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  auth?: AuthMode;
  /** Who may call it: the route's row in the policy table (core/access-policy.ts). */
  access: Access;
  /** Attempts counted per client and per email before the handler (api/route-throttles.ts). */
  throttle?: RouteThrottle;
  handler(ctx: RequestContext): Promise<Reply>;
}

/** The routes that create accounts or let someone in without a key, each with its own limits. */
export type ThrottleKind = 'signup' | 'invitation' | 'invitation-link';

export interface RouteThrottle {
  kind: ThrottleKind;
  /** The body field holding the email the attempt is about (counted per email too). */
  emailField?: string;
}
