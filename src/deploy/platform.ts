// Platform (deploy layer): the API's PlatformPort, and the one path every new release takes
// (announce, release phase, dynos, routes) whether the API or a build made it.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildSource, PlatformPort, PromotedRelease, ScriptRun, SlugCheck } from '../api/context.js';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import { inspectArchive } from '../builder/inspect-archive.js';
import { SLUG_RULES } from '../builder/slug.js';
import type { App } from '../core/model.js';
import type { PlatformEvents } from '../core/platform-events.js';
import { releaseAnnouncement } from '../core/release-announcement.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import type { DynoManager } from '../scheduler/dyno-manager.js';
import type { Build, Release, Slug, Store } from '../store/port.js';
import type { AppTeardown } from './app-teardown.js';
import type { BuildService } from './build-service.js';
import { downloadSource } from './download-source.js';
import { runAttachedCommand, type AttachedCommandDeps } from './attached-command.js';
import type { DiskCollector } from './disk-collector.js';
import type { OutputLogs } from './output-log.js';
import type { ReleasePhase } from './release-phase.js';
import type { RouteSync } from './route-sync.js';

export interface PlatformDeps {
  store: Store;
  blobs: LocalBlobStore;
  manager: DynoManager;
  builds: BuildService;
  releasePhase: ReleasePhase;
  outputs: OutputLogs;
  routes: RouteSync;
  teardown: AppTeardown;
  /** Collects garbage shortly after every release goes live. */
  disk: Pick<DiskCollector, 'soon'>;
  /** `app[api]` lines. */
  apiLog(appId: string, message: string): void;
  /** Where scripts (postdeploy) run: attached one-off dynos on the host agent. */
  commands: AttachedCommandDeps;
  /** Lines of a script's dyno into the app's log (`app[postdeploy.1234]`). */
  appLog(appId: string, process: string, source: 'app' | 'heroku', message: string): void;
  maxSourceBytes: number;
  /** Checks every address a source_blob.url download connects to. */
  egress: EgressGuard;
  /** How long a push waits for the new release's web dynos to come up. */
  verifyTimeoutMs: number;
  /** api:release create for every new release, update when its release phase ends (app webhooks). */
  events: PlatformEvents;
}

/** The platform behind the API: releases roll dynos, builds build, apps route. */
export class Platform implements PlatformPort {
  constructor(private readonly deps: PlatformDeps) {}

  releaseCreated(app: App, release: Release): Promise<void> {
    return this.release(app, release).then(() => undefined);
  }

  async rolled(app: App, release: Release, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const old = this.deps.manager.list(app.id).filter((d) => !d.oneOff && d.releaseVersion < release.version);
      if (old.length === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  formationChanged(app: App): Promise<void> {
    this.deps.manager.kick(app.id);
    return this.deps.routes.push(app.id);
  }

  appChanged(app: App): Promise<void> {
    return this.deps.routes.push(app.id);
  }

  async startBuild(app: App, build: Build, source: BuildSource): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-source-'));
    try {
      let path: string;
      if (source.kind === 'blob') path = this.deps.blobs.path(source.key);
      else {
        path = join(dir, 'source.tar.gz');
        await downloadSource(source.url, path, { egress: this.deps.egress, maxBytes: this.deps.maxSourceBytes });
      }
      await this.deps.builds.run({ app, build, source: { kind: 'tarball', path, version: build.sourceBlob.version } });
    } catch (err) {
      await this.deps.builds.finish(build, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async cancelBuild(_app: App, build: Build): Promise<void> {
    this.deps.builds.cancel(build.id);
  }

  clearBuildCache(app: App): Promise<void> {
    return this.deps.builds.clearCache(app.id);
  }

  destroyApp(app: App, removeRows: () => Promise<void>): Promise<void> {
    return this.deps.teardown.destroy(app, removeRows);
  }

  promote(app: App, create: () => Promise<Release>, created: (release: Release) => Promise<void>): Promise<PromotedRelease> {
    return this.deps.builds.exclusive(app.id, async () => {
      await this.deps.releasePhase.settled(app.id);
      const release = await create();
      await created(release);
      const status = await this.release(app, release);
      if (status === 'succeeded') return { release, status };
      const why = this.deps.releasePhase.failureOf(release.id) ?? 'its release phase failed';
      return { release, status, failure: `Release v${release.version} failed: ${why}; the previous release keeps running.` };
    });
  }

  async validateSlug(slug: Slug): Promise<SlugCheck> {
    try {
      await inspectArchive(this.deps.blobs.path(slug.blobKey), SLUG_RULES);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  async fetchSource(url: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-source-'));
    try {
      const path = join(dir, 'source.tar.gz');
      await downloadSource(url, path, { egress: this.deps.egress, maxBytes: this.deps.maxSourceBytes });
      const key = `sources/${randomUUID()}.tgz`;
      await this.deps.blobs.put(key, createReadStream(path));
      return key;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async runScript(app: App, release: Release, command: string, options: { type: string; timeoutMs: number; maxOutputBytes: number }): Promise<ScriptRun> {
    let name = options.type;
    let output = '';
    let truncated = false;
    const exitCode = await runAttachedCommand(this.deps.commands, app, release, { type: options.type, command, timeoutMs: options.timeoutMs, onStart: (dyno) => (name = dyno) }, (line) => {
      this.deps.appLog(app.id, name, 'app', line);
      if (output.length + line.length + 1 <= options.maxOutputBytes) output += `${line}\n`;
      else truncated = true;
    });
    return { exitCode, output: truncated ? `${output}[output truncated at ${options.maxOutputBytes} bytes; the rest is in the app's logs]\n` : output };
  }

  openOutput(kind: 'build' | 'release', id: string): Promise<AsyncIterable<string> | undefined> {
    return this.deps.outputs.open(kind, id);
  }

  /**
   * A release made by a build: the same path as releaseCreated, with `output` receiving the
   * release phase and the verification — what a git push shows. Resolves with its final status.
   */
  async deploy(app: App, release: Release, output: (line: string) => void): Promise<Release['status']> {
    const status = await this.release(app, release, output);
    if (status === 'succeeded') await this.verify(app, release, output);
    return status;
  }

  /**
   * The one path of every new release, whoever made it: the `app[api]` announcement, the release
   * phase when the release is pending, then the dynos roll and the router learns the app.
   */
  private async release(app: App, release: Release, output?: (line: string) => void): Promise<Release['status']> {
    for (const line of releaseAnnouncement(release)) this.deps.apiLog(app.id, line);
    const actor = release.userId && release.userEmail ? { id: release.userId, email: release.userEmail } : null;
    this.deps.events.publish({ entity: 'api:release', action: 'create', appId: app.id, releaseId: release.id, actor });
    let status = release.status;
    if (status === 'pending') {
      output?.('-----> Running release command...');
      status = await this.deps.releasePhase.run(app, release, output ? (line) => output(`       ${line}`) : undefined);
      this.deps.events.publish({ entity: 'api:release', action: 'update', appId: app.id, releaseId: release.id, actor });
    }
    if (status === 'succeeded') {
      this.deps.manager.kick(app.id);
      await this.deps.routes.push(app.id);
      this.deps.disk.soon();
    }
    return status;
  }

  /** Waits until the release's web dynos are up ("Verifying deploy... done."). */
  private async verify(app: App, release: Release, output: (line: string) => void): Promise<void> {
    const web = await this.deps.store.formations.find(app.id, 'web');
    if (!web || web.quantity === 0) return;
    const deadline = Date.now() + this.deps.verifyTimeoutMs;
    while (Date.now() < deadline) {
      const up = this.deps.manager.list(app.id).filter((d) => d.type === 'web' && d.releaseVersion === release.version && d.state === 'up');
      if (up.length >= web.quantity) {
        output('Verifying deploy... done.');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    output(`Verifying deploy... v${release.version}'s web dynos are not up yet; check \`berth ps\` and \`berth logs\`.`);
  }
}
