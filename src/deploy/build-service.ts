// BuildService (deploy layer): one build at a time per app, from pushed source to a live release.
import { mkdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import { BuildError, detail, headline, problem } from '../builder/build-error.js';
import { runBuild } from '../builder/build.js';
import { DynoBuildSandbox, type ToolchainBind } from '../builder/dyno-build-sandbox.js';
import { extractSource } from '../builder/extract-archive.js';
import { appDiskVerdict, DEFAULT_APP_DISK_CAP_BYTES, formatBytes } from '../core/disk-policy.js';
import type { App } from '../core/model.js';
import type { EventActor, PlatformEvents } from '../core/platform-events.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import { uidForApp, type Runtime } from '../runtime/runtime.js';
import type { DynoNetwork } from '../runtime/types.js';
import type { Build, BuildResult, Release, Store } from '../store/port.js';
import { AppDiskPaths } from './app-disk-paths.js';
import { measureApp } from './disk-usage.js';
import type { OutputLogs } from './output-log.js';

/** Where build dynos get their root filesystem (main's HostStacks). */
export interface BuildStackSource {
  /** The build image of the current stack version; `waiting` is told once if it is still being built. */
  buildImage(waiting: (message: string) => void): Promise<{ path: string; version: string; base: string }>;
}

export interface BuildServiceDeps {
  store: Store;
  blobs: LocalBlobStore;
  runtime: Runtime;
  outputs: OutputLogs;
  dataDir: string;
  builtinBuildpacksDir: string;
  buildNetwork: DynoNetwork;
  /** Extra environment for buildpacks (npm_config_registry when BERTH_NPM_REGISTRY is set). */
  buildpackEnv?: Record<string, string>;
  /** Host toolchains build dynos see read-only (e.g. /usr/local/go for the Go buildpack). */
  buildToolchains?: ReadonlyArray<ToolchainBind>;
  /** The stack's build image builds run on; absent: host-root mode. */
  buildStack?: BuildStackSource;
  /** Logs the release and makes it live (release phase, then dynos); resolves with its status. */
  deploy(app: App, release: Release, output: (line: string) => void): Promise<Release['status']>;
  webUrl(appName: string): string;
  log(event: Record<string, unknown>): void;
  /** Checks every address a buildpack git URL is fetched from. */
  egress: EgressGuard;
  /** The most a build may leave of its app (new slug + build cache + logs); default DEFAULT_APP_DISK_CAP_BYTES. */
  appDiskCapBytes?: number;
  /** api:build create when a build starts, update when it ends (app webhooks). */
  events: PlatformEvents;
}

const actorOf = (build: Build): EventActor => (build.userId && build.userEmail ? { id: build.userId, email: build.userEmail } : null);

/** Where the source comes from: a git push (archived from the pushed commit) or a tarball. */
export type BuildSourceInput =
  | { kind: 'git'; commit: string; archive(path: string): Promise<void> }
  | { kind: 'tarball'; path: string; version: string | null };

export interface BuildRequest {
  app: App;
  build: Build;
  source: BuildSourceInput;
  /** Extra sink for every line (the git push's `remote:` stream). */
  output?: (line: string) => void;
  signal?: AbortSignal;
}

export type BuildOutcome = { ok: true; release: Release } | { ok: false; error: string };

/**
 * Builds, one at a time per app: source → build dyno with buildpacks → slug in the blob store →
 * release vN → deploy. Used by git pushes and the builds API. Every build ends (succeeded or
 * failed) in the store; nothing stays pending.
 */
export class BuildService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly aborts = new Map<string, { appId: string; controller: AbortController }>();
  /** Apps being destroyed or gone: their builds are refused (app ids are never reused). */
  private readonly destroyed = new Set<string>();

  constructor(private readonly deps: BuildServiceDeps) {}

  run(request: BuildRequest): Promise<BuildOutcome> {
    this.deps.events.publish({ entity: 'api:build', action: 'create', appId: request.app.id, buildId: request.build.id, actor: actorOf(request.build) });
    if (this.destroyed.has(request.app.id)) return this.refuse(request);
    const previous = this.queues.get(request.app.id);
    const controller = new AbortController();
    this.aborts.set(request.build.id, { appId: request.app.id, controller });
    request.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const job = (async () => {
      if (previous) {
        request.output?.(headline('Another build of this app is running; this one starts when it ends.'));
        await previous.catch(() => undefined);
      }
      return this.execute(request, controller.signal);
    })().finally(() => {
      this.aborts.delete(request.build.id);
      if (this.queues.get(request.app.id) === job) this.queues.delete(request.app.id);
    });
    this.queues.set(request.app.id, job);
    return job;
  }

  /**
   * Runs `fn` in the app's deploy queue: after the app's running and queued builds (with their
   * release phases) end, and before any build queued later starts. A pipeline promotion to the
   * app waits here, so it never races a deploy in progress.
   */
  exclusive<T>(appId: string, fn: () => Promise<T>): Promise<T> {
    if (this.destroyed.has(appId)) return Promise.reject(new Error('the app was destroyed'));
    const previous = this.queues.get(appId);
    const job = (async () => {
      if (previous) await previous.catch(() => undefined);
      return fn();
    })().finally(() => {
      if (this.queues.get(appId) === job) this.queues.delete(appId);
    });
    this.queues.set(appId, job);
    return job;
  }

  /** Ends a build (the one place builds end): stored, then api:build update. */
  async finish(build: Build, result: BuildResult): Promise<void> {
    await this.deps.store.builds.finish(build.id, result);
    this.deps.events.publish({ entity: 'api:build', action: 'update', appId: build.appId, buildId: build.id, actor: actorOf(build) });
  }

  cancel(buildId: string): boolean {
    const entry = this.aborts.get(buildId);
    entry?.controller.abort();
    return entry !== undefined;
  }

  /**
   * The app is being destroyed: refuses its new builds, cancels the running and queued ones, and
   * resolves once the last of them has ended (its build dyno stopped, its work dir and any slug
   * it made removed), so nothing of it is written after this.
   */
  async cancelApp(appId: string): Promise<void> {
    this.destroyed.add(appId);
    for (const entry of this.aborts.values()) if (entry.appId === appId) entry.controller.abort();
    for (let queue = this.queues.get(appId); queue; queue = this.queues.get(appId)) await queue.catch(() => undefined);
  }

  async clearCache(appId: string): Promise<void> {
    await rm(this.cacheDir(appId), { recursive: true, force: true });
  }

  /** DATADIR/cache/<app id>: the app's build cache (`CACHE_DIR` of bin/compile); its mtime is its last build. */
  cacheDir(appId: string): string {
    return join(this.deps.dataDir, 'cache', appId);
  }

  /**
   * The per-app disk cap: a build cache that alone makes the app too big is cleared (the build
   * goes on); a slug that with the logs is over the cap fails the build (`app_disk_full`).
   */
  private async checkAppDisk(app: App, slugBytes: number, out: (line: string) => void): Promise<void> {
    const cap = this.deps.appDiskCapBytes ?? DEFAULT_APP_DISK_CAP_BYTES;
    const measured = await measureApp(this.deps.store, this.deps.blobs, new AppDiskPaths(this.deps.dataDir), app.id);
    const usage = { slugBytes, cacheBytes: measured.buildCache, logBytes: measured.logs };
    const verdict = appDiskVerdict(usage, cap);
    if (verdict === 'drop_cache') {
      out(problem(`The build cache (${formatBytes(usage.cacheBytes)}) would take ${app.name} over its disk cap of ${formatBytes(cap)}: it was cleared, the next build starts without it.`));
      await this.clearCache(app.id);
    } else if (verdict === 'over') {
      const message = `App disk cap exceeded (app_disk_full): the slug (${formatBytes(usage.slugBytes)}) and the logs (${formatBytes(usage.logBytes)}) of ${app.name} are over its cap of ${formatBytes(cap)}. Make the slug smaller (.slugignore, fewer dependencies) or ask an admin to raise --app-disk-cap.`;
      out(problem(message));
      throw new BuildError('app_disk_full', message);
    }
  }

  private async refuse(request: BuildRequest): Promise<BuildOutcome> {
    const error = 'The app was destroyed; the build did not run.';
    request.output?.(problem(error));
    await this.finish(request.build, { status: 'failed', error });
    return { ok: false, error };
  }

  private async execute(request: BuildRequest, signal: AbortSignal): Promise<BuildOutcome> {
    const { deps } = this;
    const { app, build } = request;
    const log = await deps.outputs.create('build', build.id);
    const out = (line: string) => {
      log.write(line);
      request.output?.(line);
    };
    const work = join(deps.dataDir, 'builds', build.id);
    const slugKey = `slugs/build-${build.id}.tgz`;
    let slugRecorded = false;
    try {
      if (signal.aborted) throw new BuildError('cancelled', 'The build was cancelled.');
      const src = join(work, 'src');
      await mkdir(work, { recursive: true, mode: 0o711 });
      await mkdir(this.cacheDir(app.id), { recursive: true, mode: 0o700 });
      const now = new Date();
      await utimes(this.cacheDir(app.id), now, now);
      await mkdir(join(work, 'scratch'), { recursive: true, mode: 0o711 });
      const tarball = request.source.kind === 'git' ? join(work, 'source.tar.gz') : request.source.path;
      if (request.source.kind === 'git') await request.source.archive(tarball);
      await extractSource(tarball, src);
      const version = request.source.kind === 'git' ? request.source.commit : request.source.version;
      const installed = await deps.store.buildpackInstallations.list(app.id);
      const buildpacks = build.buildpacks.length > 0 ? build.buildpacks.map((b) => b.url) : installed.map((b) => b.buildpack.url);
      // A host still building its first stack image makes the build wait, and says so.
      const image = deps.buildStack ? await deps.buildStack.buildImage((message) => out(headline(message))) : undefined;
      if (signal.aborted) throw new BuildError('cancelled', 'The build was cancelled.');
      const result = await runBuild({
        buildId: build.id.replace(/-/g, ''),
        sourceDir: src,
        cacheDir: this.cacheDir(app.id),
        scratchDir: join(work, 'scratch'),
        configVars: await deps.store.configVars.get(app.id),
        buildpacks,
        builtinBuildpacksDir: deps.builtinBuildpacksDir,
        buildpackCacheDir: join(deps.dataDir, 'buildpacks'),
        runtimeCacheDir: join(deps.dataDir, 'runtimes'),
        ...(deps.buildpackEnv ? { buildpackEnv: deps.buildpackEnv } : {}),
        allowLocalBuildpacks: false,
        egress: deps.egress,
        stack: app.buildStack,
        ...(image ? { stackImage: { version: image.version, base: image.base } } : {}),
        ...(version ? { sourceVersion: version } : {}),
        output: out,
        signal,
        sandbox: new DynoBuildSandbox({ runtime: deps.runtime, appId: app.id, appName: app.name, uid: uidForApp(app.id), network: deps.buildNetwork, toolchains: deps.buildToolchains ?? [], ...(image ? { stackImage: image.path } : {}) }),
        blobs: deps.blobs,
        slugKey,
      });
      // Cancelled (or the app destroyed) while the slug was being stored: it never becomes a release.
      if (signal.aborted) throw new BuildError('cancelled', 'The build was cancelled.');
      await this.checkAppDisk(app, result.slug.size, out);
      const processTypes = { ...result.processTypes, ...(result.releaseCommand ? { release: result.releaseCommand } : {}) };
      const stored = await deps.store.slugs.create({
        appId: app.id,
        processTypes,
        stack: result.stack,
        commit: version,
        commitDescription: null,
        buildpackProvidedDescription: result.buildpackDescription,
        checksum: `SHA256:${result.slug.sha256}`,
        blobKey: slugKey,
        size: result.slug.size,
      });
      slugRecorded = true;
      out(headline('Launching...'));
      const release = await deps.store.releases.create({
        appId: app.id,
        slugId: stored.id,
        description: version ? `Deploy ${version.slice(0, 7)}` : 'Deploy',
        user: build.userId && build.userEmail ? { id: build.userId, email: build.userEmail } : null,
      });
      await this.finish(build, { status: 'succeeded', slugId: stored.id, releaseId: release.id, outputKey: null });
      out(detail(`Released v${release.version}`));
      // Destroying the app (or the push going away) stops waiting for the roll-out, not the roll-out itself.
      const deploying = deps.deploy(app, release, out);
      deploying.catch(() => undefined);
      const status = await Promise.race([deploying, whenAborted(signal)]);
      if (status === 'aborted') {
        out(problem(`Stopped following v${release.version}'s roll-out: the build was cancelled.`));
        return { ok: false, error: 'cancelled during the roll-out' };
      }
      if (status === 'failed') {
        out(problem(`Release v${release.version} failed in its release phase; the previous release keeps running.`));
        return { ok: false, error: `release v${release.version} failed` };
      }
      out(detail(`${deps.webUrl(app.name)} deployed to Berth`));
      return { ok: true, release };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof BuildError)) {
        out(problem(`Build failed: ${message}`));
        deps.log({ at: 'error', during: 'build', app_id: app.id, build_id: build.id, error: err instanceof Error ? err.stack : message });
      }
      out(problem('Push rejected: the build failed. The running release was not changed.'));
      // A slug no record points to (cancelled, failed to record, or its app destroyed meanwhile) is garbage.
      if (!slugRecorded || !(await deps.store.apps.findById(app.id))) await deps.blobs.delete(slugKey).catch(() => false);
      await this.finish(build, { status: 'failed', error: message });
      return { ok: false, error: message };
    } finally {
      await log.end();
      deps.outputs.retire('build', build.id);
      await rm(work, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Resolves with 'aborted' once the signal aborts (at once when it already has). */
function whenAborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}
