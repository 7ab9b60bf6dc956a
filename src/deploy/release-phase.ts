// ReleasePhase (deploy layer): the Procfile's `release:` command in a one-off dyno before a release goes live.
import { randomInt, randomUUID } from 'node:crypto';
import { BuildOutputLines } from '../builder/build-output-lines.js';
import type { App } from '../core/model.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Release, Store } from '../store/port.js';
import type { OutputLogs } from './output-log.js';
import type { LocalSlugDirs } from './slug-dirs.js';

export interface ReleasePhaseDeps {
  store: Store;
  runtime: Runtime;
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
    const name = `release.${randomInt(1000, 10000)}`;
    const log = await deps.outputs.create('release', release.id);
    const say = (source: 'app' | 'heroku', line: string) => {
      log.write(line);
      output?.(line);
      deps.logs(app.id, name, source, line);
    };
    let status: 'succeeded' | 'failed' = 'failed';
    try {
      if (!release.slugId || !release.releaseCommand) throw new Error('the release has no slug or no release command');
      const slugDir = await deps.slugDirs.ensure(release.slugId);
      say('heroku', `Starting process with command \`${release.releaseCommand}\``);
      const dyno = await deps.runtime.start({
        id: randomUUID(),
        appId: app.id,
        appName: app.name,
        name,
        command: release.releaseCommand,
        env: release.configVars,
        size: 'standard-1x',
        network: 'bridge',
        app: { kind: 'slug', slugDir },
        timeoutMs: deps.timeoutMs ?? 60 * 60_000,
      });
      const out = new BuildOutputLines((line) => say('app', line));
      const err = new BuildOutputLines((line) => say('app', line));
      dyno.stdout.on('data', (c: Buffer) => out.push(c));
      dyno.stderr.on('data', (c: Buffer) => err.push(c));
      const exit = await dyno.exited;
      out.end();
      err.end();
      say('heroku', `Process exited with status ${exit.code ?? 'unknown'}`);
      status = exit.code === 0 ? 'succeeded' : 'failed';
      if (status === 'failed') say('heroku', `Release v${release.version} failed: the release command exited with status ${exit.code ?? 'unknown'}; v${release.version - 1} keeps running.`);
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
