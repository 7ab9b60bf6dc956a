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
  private readonly running = new Map<string, { appId: string; job: Promise<'succeeded' | 'failed'> }>();
  /** Why a release's phase failed, in a sentence, until someone asks (failureOf). */
  private readonly failures = new Map<string, string>();

  constructor(private readonly deps: ReleasePhaseDeps) {}

  /** Runs (or joins) the release phase of a pending release; resolves with its outcome. */
  run(app: App, release: Release, output?: (line: string) => void): Promise<'succeeded' | 'failed'> {
    let entry = this.running.get(release.id);
    if (!entry) {
      entry = { appId: app.id, job: this.execute(app, release, output).finally(() => this.running.delete(release.id)) };
      this.running.set(release.id, entry);
    }
    return entry.job;
  }

  /** Resolves once no release phase of the app is running (a promotion queues behind one). */
  async settled(appId: string): Promise<void> {
    for (;;) {
      const jobs = [...this.running.values()].filter((e) => e.appId === appId).map((e) => e.job);
      if (jobs.length === 0) return;
      await Promise.allSettled(jobs);
    }
  }

  /** Why the release's phase failed (and forgets it); undefined when it did not fail here. */
  failureOf(releaseId: string): string | undefined {
    const reason = this.failures.get(releaseId);
    this.failures.delete(releaseId);
    return reason;
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
      if (status === 'failed') {
        show(`Release v${release.version} failed: the release command exited with status ${exitCode}; v${release.version - 1} keeps running.`);
        this.remember(release.id, `the release command \`${release.releaseCommand}\` exited with status ${exitCode}`);
      }
    } catch (err) {
      const reason = `the release phase could not run: ${err instanceof Error ? err.message : String(err)}`;
      say('heroku', `Release phase could not run: ${err instanceof Error ? err.message : String(err)}`);
      this.remember(release.id, reason);
    } finally {
      await deps.store.releases.finish(release.id, status);
      await log.end();
      deps.outputs.retire('release', release.id);
    }
    return status;
  }

  private remember(releaseId: string, reason: string): void {
    this.failures.set(releaseId, reason);
    // Bounded: reasons nobody asked for (releases not made by a promotion) are dropped oldest first.
    while (this.failures.size > 100) this.failures.delete(this.failures.keys().next().value as string);
  }
}
