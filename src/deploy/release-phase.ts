// ReleasePhase (deploy layer): the Procfile's `release:` command in a one-off dyno before a release goes live.
import type { AttachTarget } from '../agent/dyno-attachment.js';
import type { DynoHost } from '../core/dyno-host.js';
import type { App } from '../core/model.js';
import type { Release, Store } from '../store/port.js';
import type { OutputLogs } from './output-log.js';
import type { LocalSlugDirs } from './slug-dirs.js';
import { runAttachedCommand } from './attached-command.js';

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
    let name = 'release';
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
      show(`Starting process with command \`${release.releaseCommand}\``);
      const command = { type: 'release', command: release.releaseCommand, timeoutMs: deps.timeoutMs ?? 60 * 60_000, onStart: (dyno: string) => (name = dyno) };
      const exitCode = await runAttachedCommand(deps, app, release, command, (line) => say('app', line));
      show(`Process exited with status ${exitCode}`);
      status = exitCode === 0 ? 'succeeded' : 'failed';
      if (status === 'failed') show(`Release v${release.version} failed: the release command exited with status ${exitCode}; v${release.version - 1} keeps running.`);
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
