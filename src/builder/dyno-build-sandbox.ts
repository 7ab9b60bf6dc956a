import { randomUUID } from 'node:crypto';
import { lchown, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynoNetwork, DynoSpec, RunningDyno } from '../runtime/types.js';
import { fixedBuildTarget, type BindContext, type BindRole, type BuildSandbox, type SandboxExit, type SandboxRunSpec } from './build-sandbox.js';
import { BuildOutputLines } from './build-output-lines.js';

/** Single-quotes one argument for bash (the runtime takes a command line, Procfile style). */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function chownTree(path: string, uid: number): Promise<void> {
  await lchown(path, uid, uid).catch(() => undefined);
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  await Promise.all(entries.map((e) => (e.isDirectory() ? chownTree(join(path, e.name), uid) : lchown(join(path, e.name), uid, uid).catch(() => undefined))));
}

export interface DynoBuildSandboxOptions {
  runtime: { start(spec: DynoSpec): Promise<RunningDyno> };
  appId: string;
  appName: string;
  /** The uid the build runs as (the app's dyno uid). */
  uid: number;
  /** `outbound` lets buildpacks reach package registries; `none` keeps the build offline. */
  network: DynoNetwork;
  /** The build image (a root filesystem) the build dyno runs on; absent: the host root. */
  stackImage?: string;
  /** Host directories the build sees read-only at the same path, beside the stack (toolchains). */
  toolchains?: ReadonlyArray<ToolchainBind>;
}

/** A host toolchain directory bound read-only into build dynos (e.g. /usr/local/go → /usr/local/go). */
export interface ToolchainBind {
  source: string;
  target: string;
}

/**
 * Runs buildpack scripts in a build dyno: the same sandbox as app dynos (non-root uid, cgroup
 * limits, own namespaces), with the build, cache, env and buildpack directories bound at
 * Heroku's fixed paths (/tmp/build_<id>, /tmp/cache, /tmp/env …), and the host toolchains the
 * stack lacks (the Go toolchain in /usr/local/go) read-only. Writable binds are handed to the
 * build uid before the first script runs.
 */
export class DynoBuildSandbox implements BuildSandbox {
  constructor(private readonly options: DynoBuildSandboxOptions) {}

  targetFor(role: BindRole, _hostPath: string, context: BindContext): string {
    return fixedBuildTarget(role, context);
  }

  async run(spec: SandboxRunSpec): Promise<SandboxExit> {
    for (const bind of spec.binds) {
      if (bind.readonly || bind.shared) continue;
      // By owner, not by path: detection copies each candidate built-in to the same path in turn.
      const owner = (await stat(bind.source).catch(() => undefined))?.uid;
      if (owner !== undefined && owner !== this.options.uid) await chownTree(bind.source, this.options.uid);
    }
    if (spec.signal.aborted) return { exitCode: 143 };
    let dyno: RunningDyno;
    try {
      dyno = await this.options.runtime.start({
        id: randomUUID(),
        appId: this.options.appId,
        appName: this.options.appName,
        name: 'build',
        command: spec.argv.map(shellQuote).join(' '),
        env: spec.env,
        size: 'performance-m',
        // performance-m's weight, but no dedicated CPUs: builds of many apps run at once, and a
        // build refused for want of a free CPU would fail a push that could simply run slower.
        limits: { memoryQuotaBytes: spec.memoryMb * 1024 * 1024, memoryLimitBytes: spec.memoryMb * 1024 * 1024, pidsMax: 4096, dedicatedCpus: 0 },
        network: this.options.network,
        app: { kind: 'empty' },
        binds: [
          ...spec.binds.map((b) => ({ source: b.source, target: b.target, readonly: b.readonly })),
          ...(this.options.toolchains ?? []).map((t) => ({ source: t.source, target: t.target, readonly: true })),
        ],
        cwd: spec.cwd,
        uid: this.options.uid,
        ...(this.options.stackImage ? { stackImage: this.options.stackImage } : {}),
      });
    } catch (err) {
      spec.output.stderr(`Build dyno could not start: ${err instanceof Error ? err.message : String(err)}`);
      return { exitCode: 1 };
    }
    const stdout = new BuildOutputLines(spec.output.stdout);
    const stderr = new BuildOutputLines(spec.output.stderr);
    dyno.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    dyno.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const abort = () => void dyno.stop(2000);
    spec.signal.addEventListener('abort', abort, { once: true });
    const exit = await dyno.exited;
    spec.signal.removeEventListener('abort', abort);
    await Promise.all([new Promise((r) => (dyno.stdout.readableEnded ? r(null) : dyno.stdout.once('close', r))), new Promise((r) => (dyno.stderr.readableEnded ? r(null) : dyno.stderr.once('close', r)))]);
    stdout.end();
    stderr.end();
    return { exitCode: exit.code ?? 1, oomKilled: exit.oomKilled };
  }
}
