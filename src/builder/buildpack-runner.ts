/**
 * Runs one buildpack's scripts in the build sandbox: `bin/detect BUILD`, `bin/compile BUILD
 * CACHE ENV` (after sourcing the `export` files of the buildpacks before it), `bin/release
 * BUILD`. Paths handed to scripts are in-sandbox paths; the host paths stay with the builder.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildSandbox, SandboxBind, SandboxExit } from './build-sandbox.js';

/** Host path and in-sandbox path of one directory. */
export interface Mount {
  host: string;
  target: string;
}

export interface BuildMounts {
  build: Mount;
  cache: Mount;
  env: Mount;
  home: Mount;
  buildpacks: Mount[];
  /** The host's shared runtime cache (BERTH_RUNTIME_CACHE), when the build has one. */
  runtimes?: Mount;
}

export interface RunnerOptions {
  sandbox: BuildSandbox;
  mounts: BuildMounts;
  env: Record<string, string>;
  memoryMb: number;
  signal: AbortSignal;
}

/** Sources each export file given as an argument, then execs the rest: no interpolation. */
const SOURCE_EXPORTS_THEN_EXEC = 'n=$1; shift; while [ "$n" -gt 0 ]; do . "$1"; shift; n=$((n-1)); done; exec "$@"';
const MAX_CAPTURE_LINES = 2000;

export class BuildpackRunner {
  constructor(private readonly options: RunnerOptions) {}

  private binds(): SandboxBind[] {
    const m = this.options.mounts;
    return [
      { source: m.build.host, target: m.build.target, readonly: false },
      { source: m.cache.host, target: m.cache.target, readonly: false },
      { source: m.env.host, target: m.env.target, readonly: true },
      { source: m.home.host, target: m.home.target, readonly: false },
      ...m.buildpacks.map((b) => ({ source: b.host, target: b.target, readonly: false })),
      ...(m.runtimes ? [{ source: m.runtimes.host, target: m.runtimes.target, readonly: false, shared: true }] : []),
    ];
  }

  private run(argv: string[], stdout: (line: string) => void, stderr: (line: string) => void): Promise<SandboxExit> {
    return this.options.sandbox.run({
      argv,
      env: this.options.env,
      cwd: this.options.mounts.build.target,
      binds: this.binds(),
      memoryMb: this.options.memoryMb,
      output: { stdout, stderr },
      signal: this.options.signal,
    });
  }

  async hasScript(index: number, script: string): Promise<boolean> {
    const bp = this.options.mounts.buildpacks[index];
    if (!bp) return false;
    return access(join(bp.host, 'bin', script), constants.X_OK).then(() => true, () => false);
  }

  private script(index: number, name: string): string {
    return `${(this.options.mounts.buildpacks[index] as Mount).target}/bin/${name}`;
  }

  /**
   * The framework name bin/detect printed (first line), or undefined when it does not apply.
   * `stderr` keeps its last lines, to explain a detect that crashed rather than declined.
   */
  async detect(index: number): Promise<{ name: string | undefined; exit: SandboxExit; stderr: string[] }> {
    const lines: string[] = [];
    const stderr: string[] = [];
    const keep = (line: string) => void (lines.length < MAX_CAPTURE_LINES && lines.push(line));
    const keepTail = (line: string) => {
      stderr.push(line);
      if (stderr.length > 5) stderr.shift();
    };
    const exit = await this.run([this.script(index, 'detect'), this.options.mounts.build.target], keep, keepTail);
    const name = lines.map((l) => l.trim()).find((l) => l !== '') ?? '';
    return { name: exit.exitCode === 0 ? name : undefined, exit, stderr };
  }

  async compile(index: number, exportFiles: string[], output: (line: string) => void): Promise<SandboxExit> {
    const m = this.options.mounts;
    return this.run(
      ['bash', '-c', SOURCE_EXPORTS_THEN_EXEC, 'compile', String(exportFiles.length), ...exportFiles,
        this.script(index, 'compile'), m.build.target, m.cache.target, m.env.target],
      output,
      output,
    );
  }

  /** bin/release's stdout (bounded); its stderr goes to the build output. */
  async release(index: number, output: (line: string) => void): Promise<{ yaml: string; exit: SandboxExit }> {
    const lines: string[] = [];
    const exit = await this.run(
      [this.script(index, 'release'), this.options.mounts.build.target],
      (line) => void (lines.length < MAX_CAPTURE_LINES && lines.push(line)),
      output,
    );
    return { yaml: lines.join('\n'), exit };
  }

  /** In-sandbox path of the export file a buildpack left, if it left one. */
  async exportFile(index: number): Promise<string | undefined> {
    const bp = this.options.mounts.buildpacks[index] as Mount;
    return access(join(bp.host, 'export'), constants.R_OK).then(() => `${bp.target}/export`, () => undefined);
  }
}
