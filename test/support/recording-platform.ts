// The platform as the API sees it (builder, dyno manager), for API tests: an in-process
// recorder of what the API asked for. These are external components to the API; the slug check
// is real (tar-check.ts) and cancelling a build really ends it in the store, as the builder would.

import type { DynoRecord } from '../../src/core/dyno-host.js';
import type { Plan } from '../../src/core/dyno-plan.js';
import type { App } from '../../src/core/model.js';
import type { BlobPort, BuildSource, DynoPort, OneOffRequest, PlatformPort, PromotedRelease, SchedulerPort, ScriptRun, SlugCheck } from '../../src/api/context.js';
import type { Build, Release, SchedulerJob, Slug, Store } from '../../src/store/port.js';
import { tarballProblem } from './tar-check.js';

export type PlatformEvent =
  | { kind: 'releaseCreated'; app: App; release: Release }
  | { kind: 'formationChanged'; app: App }
  | { kind: 'appChanged'; app: App }
  | { kind: 'startBuild'; app: App; build: Build; source: BuildSource }
  | { kind: 'cancelBuild'; app: App; build: Build }
  | { kind: 'clearBuildCache'; app: App }
  | { kind: 'destroyApp'; app: App }
  | { kind: 'runScript'; app: App; release: Release; command: string; type: string }
  | { kind: 'promote'; app: App; release: Release };

export class RecordingPlatform implements PlatformPort {
  readonly events: PlatformEvent[] = [];
  /** How the release phase of a promoted release ends, by app id (default: succeeded). */
  readonly releasePhaseOutcomes = new Map<string, 'succeeded' | 'failed'>();
  /** Output served by openOutput, by `build:<id>` / `release:<id>`. */
  readonly outputs = new Map<string, string[]>();

  constructor(private readonly store: Store, private readonly blobs: BlobPort) {}

  releaseCreated(app: App, release: Release): void {
    this.events.push({ kind: 'releaseCreated', app, release });
  }

  /** No dynos run here, so every release is rolled at once. */
  async rolled(): Promise<boolean> {
    return true;
  }

  appChanged(app: App): void {
    this.events.push({ kind: 'appChanged', app });
  }

  formationChanged(app: App): void {
    this.events.push({ kind: 'formationChanged', app });
  }

  startBuild(app: App, build: Build, source: BuildSource): void {
    this.events.push({ kind: 'startBuild', app, build, source });
  }

  async cancelBuild(app: App, build: Build): Promise<void> {
    this.events.push({ kind: 'cancelBuild', app, build });
    await this.store.builds.finish(build.id, { status: 'failed', error: 'Build cancelled.' });
  }

  async clearBuildCache(app: App): Promise<void> {
    this.events.push({ kind: 'clearBuildCache', app });
  }

  /** Removes the rows and the app's slug blobs, as the platform would (its dynos and files are the platform's). */
  async destroyApp(app: App, removeRows: () => Promise<void>): Promise<void> {
    this.events.push({ kind: 'destroyApp', app });
    const blobKeys = await this.store.slugs.blobKeysForApp(app.id);
    await removeRows();
    for (const key of blobKeys) await this.blobs.delete(key);
  }

  /** Creates the release and ends a pending one as releasePhaseOutcomes says, as the release phase would. */
  async promote(app: App, create: () => Promise<Release>, created: (release: Release) => Promise<void>): Promise<PromotedRelease> {
    const release = await create();
    await created(release);
    this.events.push({ kind: 'promote', app, release });
    if (release.status !== 'pending') return { release, status: release.status };
    const outcome = this.releasePhaseOutcomes.get(app.id) ?? 'succeeded';
    const finished = (await this.store.releases.finish(release.id, outcome)) ?? release;
    return outcome === 'succeeded' ? { release: finished, status: outcome } : { release: finished, status: outcome, failure: `Release v${release.version} failed: the release command exited with status 1; the previous release keeps running.` };
  }

  async validateSlug(slug: Slug): Promise<SlugCheck> {
    const problem = await tarballProblem(await this.blobs.get(slug.blobKey));
    return problem === undefined ? { ok: true } : { ok: false, reason: problem };
  }

  /** What the next runScript calls answer, first in first out; then exit 0 with no output. */
  readonly scriptResults: ScriptRun[] = [];

  /** No downloads here: API tests use sources of this Berth (POST /sources). */
  async fetchSource(url: string): Promise<string> {
    throw new Error(`the recording platform downloads nothing (${url})`);
  }

  async runScript(app: App, release: Release, command: string, options: { type: string }): Promise<ScriptRun> {
    this.events.push({ kind: 'runScript', app, release, command, type: options.type });
    return this.scriptResults.shift() ?? { exitCode: 0, output: '' };
  }

  async openOutput(kind: 'build' | 'release', id: string): Promise<AsyncIterable<string> | undefined> {
    const lines = this.outputs.get(`${kind}:${id}`);
    return lines && (async function* () {
      yield* lines;
    })();
  }

  /** The events of one kind for one app. */
  of<K extends PlatformEvent['kind']>(kind: K, appId?: string): Extract<PlatformEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<PlatformEvent, { kind: K }> => e.kind === kind && (appId === undefined || e.app.id === appId));
  }
}

/**
 * The API harness has no host agent: no dynos run, restarts are recorded, and run() says why
 * it cannot start one. End-to-end tests (test/e2e) exercise the real dyno manager.
 */
export class NoDynos implements DynoPort {
  readonly restarts: Array<{ appId: string; type?: string }> = [];
  /** Restarts of one formation dyno (ps:restart web.2, ps:stop web.2). */
  readonly dynoRestarts: Array<{ appId: string; name: string }> = [];
  list(_appId: string): DynoRecord[] {
    return [];
  }
  restart(appId: string, type?: string): void {
    this.restarts.push(type === undefined ? { appId } : { appId, type });
  }
  restartDyno(appId: string, type: string, index: number): void {
    this.dynoRestarts.push({ appId, name: `${type}.${index}` });
  }
  async stop(_dynoId: string): Promise<void> {}
  async run(_app: App, _request: OneOffRequest): Promise<DynoRecord> {
    throw new Error('the API harness runs no dynos');
  }
  async plan(): Promise<Plan> {
    return { actions: [], notes: [] };
  }
}

/**
 * The dyno manager as the API sees it, with dynos a test declares (`web.1` up on v2…): records
 * what the API asked (restarts by type, stops by dyno id, one-off requests).
 */
export class ListedDynos extends NoDynos {
  readonly dynos: DynoRecord[] = [];
  readonly stops: string[] = [];
  readonly runs: Array<{ app: App; request: OneOffRequest }> = [];
  override list(appId: string): DynoRecord[] {
    return this.dynos.filter((d) => d.appId === appId);
  }
  override async stop(dynoId: string): Promise<void> {
    this.stops.push(dynoId);
  }
  override async run(app: App, request: OneOffRequest): Promise<DynoRecord> {
    this.runs.push({ app, request });
    const release = this.dynos.find((d) => d.releaseId === request.releaseId);
    return listedDyno(app, { type: request.type, index: 1000 + this.runs.length, command: request.command, size: request.size, oneOff: true, releaseId: request.releaseId ?? 'current', releaseVersion: release?.releaseVersion ?? 0 });
  }
}

/** A dyno record for ListedDynos (up since now unless `fields` say otherwise). */
export function listedDyno(app: Pick<App, 'id' | 'name'>, fields: Partial<DynoRecord> & Pick<DynoRecord, 'type' | 'index'>): DynoRecord {
  const now = Date.now();
  return {
    id: `${app.id.slice(0, 24)}${String(fields.index).padStart(12, '0')}`,
    appId: app.id,
    appName: app.name,
    name: `${fields.type}.${fields.index}`,
    releaseId: 'r1',
    releaseVersion: 1,
    size: 'standard-1x',
    command: 'node server.js',
    state: 'up',
    startedAt: now,
    stateChangedAt: now,
    crashCount: 0,
    oneOff: false,
    exitCode: null,
    lastError: null,
    attachUrl: null,
    ...fields,
  };
}
/** Heroku Scheduler's runner for API tests that run no dynos: counts the changes it is told of. */
export class NoScheduler implements SchedulerPort {
  changes = 0;
  changed(): void {
    this.changes += 1;
  }
  async runNow(_app: App, _job: SchedulerJob): Promise<DynoRecord> {
    throw new Error('the API harness runs no dynos');
  }
}
