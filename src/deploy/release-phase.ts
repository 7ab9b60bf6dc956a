// ReleasePhase (deploy layer): the Procfile's `release:` command in a one-off dyno before a release goes live.
import { randomInt, randomUUID } from 'node:crypto';
import { attachDyno, type AttachTarget } from '../agent/dyno-attachment.js';
import { BuildOutputLines } from '../builder/build-output-lines.js';
import type { DynoHost } from '../core/dyno-host.js';
import type { App } from '../core/model.js';
import type { Release, Store } from '../store/port.js';
import type { OutputLogs } from './output-log.js';
import type { LocalSlugDirs } from './slug-dirs.js';

export interface ReleasePhaseDeps {
  store: Store;
  /** The host agent: the release dyno is an attached one-off dyno there, on the dyno bridge where
   *  the add-on servers are (DATABASE_URL works), like `heroku run`. */
  agent: Pick<DynoHost, 'start' | 'stop'>;
  /** The agent's rendezvous, where the release phase attaches to its dyno. */
  rendezvous: AttachTarget;
  slugDirs: LocalSlugDirs;
  outputs: OutputLogs;
  logs(appId: string, process: string, source: 'app' | 'heroku', message: string): void;
  timeoutMs?: number;
}

/**
 * Heroku's release phase: the Procfile's `release:` command runs in a one-off dyno
 * (`release.NNNN`) after a build, config change or rollback and before the release goes live.
 * Exit 0 → the release succeeds and dynos roll; anything else → it fails and the previous
 * release keeps serving. The output goes to the app's logs, to `output_stream_url` and to
 * whoever asked (a git push).
 *
 * The dyno runs on the host agent, attached (dyno-attachment.ts): it reaches the add-on servers
 * as every dyno of the app does, and when the control plane dies the connection closes, the agent
 * stops the dyno and the next start records the release as failed.
 */
export class ReleasePhase {
  private readonly running = new Map<string, Promise<'succeeded' | 'failed'>>();

  constructor(private readonly deps: ReleasePhaseDeps) {}

  /** Runs (or joins) the release phase of a pending release; resolves with its outcome. */
  run(app: App, release: Release, output?: (line: string) => void): Promise<'succeeded' | 'failed'> {
    let job = this.running.get(release.id);
    if (!job) {
      job = this.execute(app, release, output).finally(() => this.running.delete(release.id));
      this.running.set(release.id, job);
    }
    return job;
  }

  private async execute(app: App, release: Release, output?: (line: string) => void): Promise<'succeeded' | 'failed'> {
    const { deps } = this;
    const index = randomInt(1000, 10000);
    const name = `release.${index}`;
    const log = await deps.outputs.create('release', release.id);
    const say = (source: 'app' | 'heroku', line: string) => {
      log.write(line);
      output?.(line);
      deps.logs(app.id, name, source, line);
    };
    // The agent logs `heroku[release.N]` state lines itself; the push and the output stream get ours.
    const show = (line: string) => {
      log.write(line);
      output?.(line);
    };
    let status: 'succeeded' | 'failed' = 'failed';
    try {
      if (!release.slugId || !release.releaseCommand) throw new Error('the release has no slug or no release command');
      const slugDir = await deps.slugDirs.ensure(release.slugId);
      show(`Starting process with command \`${release.releaseCommand}\``);
      const dyno = await deps.agent.start({
        id: randomUUID(),
        appId: app.id,
        appName: app.name,
        type: 'release',
        index,
        name,
        releaseId: release.id,
        releaseVersion: release.version,
        size: 'standard-1x',
        command: release.releaseCommand,
        env: release.configVars,
        slugDir,
        crashCount: 0,
        oneOff: true,
        bootTimeoutMs: 60_000,
        timeToLiveMs: deps.timeoutMs ?? 60 * 60_000,
        attach: { tty: false },
      });
      if (!dyno.attachUrl) throw new Error('the host agent gave the release dyno no attach URL');
      const lines = new BuildOutputLines((line) => say('app', line));
      const attached = await attachDyno(dyno.attachUrl, deps.rendezvous, (chunk) => lines.push(chunk)).catch(async (err: unknown) => {
        await deps.agent.stop(dyno.id, 0).catch(() => undefined);
        throw err;
      });
      lines.end();
      if (attached.exitCode === undefined) throw new Error('the connection to the release dyno closed before it exited');
      show(`Process exited with status ${attached.exitCode}`);
      status = attached.exitCode === 0 ? 'succeeded' : 'failed';
      if (status === 'failed') show(`Release v${release.version} failed: the release command exited with status ${attached.exitCode}; v${release.version - 1} keeps running.`);
    } catch (err) {
      say('heroku', `Release phase could not run: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await deps.store.releases.finish(release.id, status);
      await log.end();
      deps.outputs.retire('release', release.id);
    }
    return status;
  }
}
