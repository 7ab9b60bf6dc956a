// The deploy layer's one factory: the pieces of the control plane's pipeline wired to each other.
import { join } from 'node:path';
import type { AttachTarget } from '../agent/dyno-attachment.js';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import type { ToolchainBind } from '../builder/dyno-build-sandbox.js';
import { DEFAULT_KEEP_RELEASES } from '../core/disk-policy.js';
import { noPlatformEvents, type PlatformEvents } from '../core/platform-events.js';
import type { DynoHost } from '../core/dyno-host.js';
import { herokuPolicyWith } from '../core/dyno-plan.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Timers } from '../core/timers.js';
import { EgressGuard } from '../egress/egress-guard.js';
import type { DynoNetwork } from '../runtime/types.js';
import { DynoManager } from '../scheduler/dyno-manager.js';
import { StoreDesiredSource } from '../scheduler/store-desired-source.js';
import type { Store } from '../store/port.js';
import { AppDiskPaths } from './app-disk-paths.js';
import { AppTeardown } from './app-teardown.js';
import { BuildService, type BuildStackSource } from './build-service.js';
import { DiskCollector } from './disk-collector.js';
import { DynoService } from './dyno-service.js';
import { OutputLogs } from './output-log.js';
import { Platform } from './platform.js';
import { ReleasePhase } from './release-phase.js';
import { RouteSync, type RouteAgent } from './route-sync.js';
import { SchedulerJobs } from './scheduler-jobs.js';
import { LocalSlugDirs } from './slug-dirs.js';

export interface DeployPipelineDeps {
  store: Store;
  blobs: LocalBlobStore;
  /** The host agent (AgentConnection): dynos for the manager and one-off runs, routes for RouteSync. */
  agent: DynoHost & RouteAgent;
  /** The control plane's own runtime: build dynos run here. */
  runtime: Runtime;
  /** The agent's rendezvous, where release-phase dynos (attached one-offs on the agent) are met. */
  rendezvous: AttachTarget;
  /** Builds, build caches, unpacked slugs and outputs live under it. */
  dataDir: string;
  builtinBuildpacksDir: string;
  buildNetwork: DynoNetwork;
  /** Extra environment for buildpacks (npm_config_registry). */
  buildpackEnv?: Record<string, string>;
  /** Host toolchains build dynos see read-only beside the stack (e.g. /usr/local/go); default none. */
  buildToolchains?: ReadonlyArray<ToolchainBind>;
  /** The stack's build image for build dynos; absent: host-root mode. */
  buildStack?: BuildStackSource;
  webUrl(appName: string): string;
  /** A platform line into an app's log channel (`app[api]`, `heroku[web.1]`, `app[release.N]`). */
  emit(appId: string, process: string, source: 'app' | 'heroku', message: string): void;
  /** Structured control-plane log (stderr). */
  log(event: Record<string, unknown>): void;
  bootTimeoutMs?: number;
  stopGraceMs?: number;
  /** Cool-off before restarting a dyno that crashed twice in a row (default 10 s, doubling). */
  crashCoolOffMs?: number;
  /** Which addresses tenant URLs (source_blob.url, buildpack git URLs) may reach; default: public ones only. */
  egress?: EgressGuard;
  /** App-owned bytes (slugs, unpacked slugs, build caches, repos, logs) garbage collection keeps usage under. */
  diskBudgetBytes: number;
  /** Slugs of the newest this many releases per app survive garbage collection (default 10). */
  keepReleases?: number;
  /** The most a build may leave of one app: new slug + build cache + logs (default 4 GiB). */
  appDiskCapBytes?: number;
  /** Where releases and builds are announced for app webhooks (default: nowhere). */
  events?: PlatformEvents;
  /** Timers of the scheduler's runner (default: the system's, unref'd). */
  timers?: Pick<Timers, 'after'>;
  /** How long an idling app's web dynos may go without a request before they idle (default 30 min). */
  idleAfterMs?: number;
}

const systemTimers: Pick<Timers, 'after'> = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** What the composition root hands on: to the API (platform, dynos), the git service (builds), the agent connection (routes, manager). */
export interface DeployPipeline {
  manager: DynoManager;
  routes: RouteSync;
  builds: BuildService;
  platform: Platform;
  dynos: DynoService;
  /** Garbage collection and admin:disk; started by the composition root. */
  disk: DiskCollector;
  /** Heroku Scheduler's runner (the API's SchedulerPort); started with the agent connection. */
  scheduler: SchedulerJobs;
}

/**
 * Push → build (a build dyno) → slug → release (its release phase) → dynos (the dyno manager's
 * reconcile loop on the host agent) → routes. Platform is the API's PlatformPort and the one path
 * every release takes; BuildService serves pushes and the builds API; DynoService is the API's
 * DynoPort. Nothing starts here: the manager starts when the agent connection opens.
 */
export function createDeployPipeline(deps: DeployPipelineDeps): DeployPipeline {
  const { store, blobs, agent, runtime, dataDir } = deps;
  const egress = deps.egress ?? new EgressGuard();
  const events = deps.events ?? noPlatformEvents;
  const slugDirs = new LocalSlugDirs(store, blobs, join(dataDir, 'slugs'));
  const manager = new DynoManager({
    host: agent,
    source: new StoreDesiredSource(store),
    slugs: slugDirs,
    now: () => Date.now(),
    ...(deps.bootTimeoutMs !== undefined ? { bootTimeoutMs: deps.bootTimeoutMs } : {}),
    ...(deps.stopGraceMs !== undefined ? { stopGraceMs: deps.stopGraceMs } : {}),
    ...(deps.crashCoolOffMs !== undefined ? { policy: herokuPolicyWith({ crashCoolOffMs: deps.crashCoolOffMs }) } : {}),
    log: (appId, process, message) => deps.emit(appId, process, 'heroku', message),
    onError: (appId, err) => deps.log({ at: 'error', during: 'reconcile', app_id: appId, error: err instanceof Error ? err.message : String(err) }),
  });
  const routes = new RouteSync(store, agent, deps.idleAfterMs);
  const outputs = new OutputLogs(join(dataDir, 'outputs'));
  const releasePhase = new ReleasePhase({ store, agent, rendezvous: deps.rendezvous, slugDirs, outputs, logs: deps.emit });
  // BuildService deploys through the Platform, which cancels builds through the BuildService.
  let platform: Platform | undefined;
  const builds = new BuildService({
    store,
    blobs,
    runtime,
    outputs,
    dataDir,
    builtinBuildpacksDir: deps.builtinBuildpacksDir,
    buildNetwork: deps.buildNetwork,
    ...(deps.buildpackEnv ? { buildpackEnv: deps.buildpackEnv } : {}),
    ...(deps.buildToolchains ? { buildToolchains: deps.buildToolchains } : {}),
    ...(deps.buildStack ? { buildStack: deps.buildStack } : {}),
    deploy: (app, release, output) => (platform as Platform).deploy(app, release, output),
    webUrl: deps.webUrl,
    log: deps.log,
    egress,
    ...(deps.appDiskCapBytes !== undefined ? { appDiskCapBytes: deps.appDiskCapBytes } : {}),
    events,
  });
  const paths = new AppDiskPaths(dataDir);
  const disk = new DiskCollector({
    store,
    blobs,
    paths,
    budgetBytes: deps.diskBudgetBytes,
    keepReleases: deps.keepReleases ?? DEFAULT_KEEP_RELEASES,
    liveReleaseIds: (appId) => new Set(manager.list(appId).map((d) => d.releaseId)),
    forgetApp: (appId) => routes.push(appId),
    log: deps.log,
  });
  const teardown = new AppTeardown({ store, blobs, builds, manager, routes, paths, dynoStopWaitMs: (deps.stopGraceMs ?? 30_000) + 10_000, log: deps.log });
  platform = new Platform({
    store,
    blobs,
    manager,
    builds,
    releasePhase,
    outputs,
    routes,
    teardown,
    disk,
    apiLog: (appId, message) => deps.emit(appId, 'api', 'app', message),
    commands: { agent, rendezvous: deps.rendezvous, slugDirs },
    appLog: deps.emit,
    maxSourceBytes: 500 * 1024 * 1024,
    egress,
    verifyTimeoutMs: 60_000,
    events,
  });
  const dynos = new DynoService({ store, manager, slugDirs, agent });
  const scheduler = new SchedulerJobs({ store, dynos, host: agent, now: () => Date.now(), timers: deps.timers ?? systemTimers, emit: deps.emit, log: deps.log });
  return { manager, routes, builds, platform, dynos, disk, scheduler };
}
