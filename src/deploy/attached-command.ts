// One command of a release in an attached one-off dyno on the host agent, its output line by
// line and its exit status: the release phase and an app setup's postdeploy script.
import { randomInt, randomUUID } from 'node:crypto';
import { attachDyno, type AttachTarget } from '../agent/dyno-attachment.js';
import { BuildOutputLines } from '../builder/build-output-lines.js';
import type { DynoHost } from '../core/dyno-host.js';
import type { App } from '../core/model.js';
import type { Release } from '../store/port.js';
import type { LocalSlugDirs } from './slug-dirs.js';

export interface AttachedCommandDeps {
  /** The dyno is a one-off on the host agent, on the dyno bridge where the add-on servers are. */
  agent: Pick<DynoHost, 'start' | 'stop'>;
  rendezvous: AttachTarget;
  slugDirs: LocalSlugDirs;
}

export interface AttachedCommand {
  /** The dyno's process type: `release`, `postdeploy`; it is named `<type>.<4 digits>`. */
  type: string;
  command: string;
  timeoutMs: number;
  /** Says which dyno runs before it starts (its name is known only then). */
  onStart?(name: string): void;
}

/**
 * Runs `command` in the release's slug with its config vars and resolves with the exit status;
 * `onLine` receives its output (stdout and stderr, as one stream). Rejects when the dyno could
 * not start or the connection closed before it exited (the dyno is then stopped).
 */
export async function runAttachedCommand(deps: AttachedCommandDeps, app: App, release: Release, spec: AttachedCommand, onLine: (line: string) => void): Promise<number> {
  if (!release.slugId) throw new Error(`release v${release.version} has no slug`);
  const index = randomInt(1000, 10000);
  const name = `${spec.type}.${index}`;
  spec.onStart?.(name);
  const slugDir = await deps.slugDirs.ensure(release.slugId, app.id);
  const dyno = await deps.agent.start({
    id: randomUUID(),
    appId: app.id,
    appName: app.name,
    type: spec.type,
    index,
    name,
    releaseId: release.id,
    releaseVersion: release.version,
    size: 'standard-1x',
    command: spec.command,
    env: release.configVars,
    slugDir,
    crashCount: 0,
    oneOff: true,
    bootTimeoutMs: 60_000,
    timeToLiveMs: spec.timeoutMs,
    attach: { tty: false },
  });
  if (!dyno.attachUrl) throw new Error(`the host agent gave the ${spec.type} dyno no attach URL`);
  const lines = new BuildOutputLines(onLine);
  const attached = await attachDyno(dyno.attachUrl, deps.rendezvous, (chunk) => lines.push(chunk)).catch(async (err: unknown) => {
    await deps.agent.stop(dyno.id, 0).catch(() => undefined);
    throw err;
  });
  lines.end();
  if (attached.exitCode === undefined) throw new Error(`the connection to the ${spec.type} dyno closed before it exited`);
  return attached.exitCode;
}
