// DynoService (deploy layer): the API's DynoPort — ps, restart, stop, and one-off `run` dynos.
import { randomInt, randomUUID } from 'node:crypto';
import type { DynoPort, OneOffRequest } from '../api/context.js';
import { PlatformError } from '../core/errors.js';
import type { DynoHost, DynoRecord } from '../core/dyno-host.js';
import type { App } from '../core/model.js';
import type { DynoManager, SlugDirs } from '../scheduler/dyno-manager.js';
import type { Store } from '../store/port.js';

/** ps, restart, stop and run, for the API: the dyno manager plus one-off dynos on the agent. */
export class DynoService implements DynoPort {
  constructor(
    private readonly deps: { store: Store; manager: DynoManager; slugDirs: SlugDirs; agent: Pick<DynoHost, 'start'> },
  ) {}

  list(appId: string): DynoRecord[] {
    return this.deps.manager.list(appId);
  }

  restart(appId: string, type?: string): void {
    this.deps.manager.restart(appId, type);
  }

  restartDyno(appId: string, type: string, index: number): void {
    this.deps.manager.restartDyno(appId, type, index);
  }

  stop(dynoId: string): Promise<void> {
    return this.deps.manager.stopDyno(dynoId);
  }

  plan(appId: string) {
    return this.deps.manager.plan(appId);
  }

  async run(app: App, request: OneOffRequest): Promise<DynoRecord> {
    const release = request.releaseId === undefined ? await this.deps.store.releases.current(app.id) : await this.deps.store.releases.findById(app.id, request.releaseId);
    if (!release?.slugId) throw new PlatformError('invalid_params', `${app.name} has no release to run yet: deploy it first (git push berth main).`);
    if (release.slugPrunedAt) throw new PlatformError('invalid_params', `Release v${release.version} of ${app.name} can no longer run: its slug was removed by garbage collection.`);
    return this.startOneOff(app, { id: release.id, version: release.version, slugId: release.slugId, configVars: release.configVars }, {
      id: randomUUID(),
      type: request.type,
      size: request.size,
      command: request.command,
      env: request.env,
      timeToLiveMs: request.timeToLiveSeconds * 1000,
      ...(request.attach ? { attach: { tty: request.tty } } : {}),
    });
  }

  /**
   * Starts a one-off dyno `<type>.<random 4 digits>` of `release` on the agent and tracks it (for
   * `run` and the scheduler's jobs, which choose the dyno id so they can match its exit event).
   */
  async startOneOff(
    app: App,
    release: { id: string; version: number; slugId: string; configVars: Record<string, string> },
    spec: { id: string; type: string; size: string; command: string; env: Record<string, string>; timeToLiveMs: number; attach?: { tty: boolean } },
  ): Promise<DynoRecord> {
    const index = randomInt(1000, 10000);
    const record = await this.deps.agent.start({
      id: spec.id,
      appId: app.id,
      appName: app.name,
      type: spec.type,
      index,
      name: `${spec.type}.${index}`,
      releaseId: release.id,
      releaseVersion: release.version,
      size: spec.size,
      command: spec.command,
      env: { ...release.configVars, ...spec.env },
      slugDir: await this.deps.slugDirs.ensure(release.slugId, app.id),
      crashCount: 0,
      oneOff: true,
      bootTimeoutMs: 60_000,
      timeToLiveMs: spec.timeToLiveMs,
      ...(spec.attach ? { attach: spec.attach } : {}),
    });
    this.deps.manager.track(record);
    return record;
  }
}
