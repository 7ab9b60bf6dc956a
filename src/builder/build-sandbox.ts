/**
 * The port through which the builder runs buildpack scripts (build/compile symmetry: a real
 * implementation runs them in a build dyno, the same sandbox as app dynos). The builder binds
 * host directories into the sandbox and asks the sandbox where each one shows up inside:
 * ProcessSandbox (tests, development) answers the host path itself; a real sandbox answers the
 * fixed paths of `fixedBuildTarget` (/tmp/build_<id>, /tmp/cache, …).
 */

/** What a bound directory is for. */
export type BindRole = 'build' | 'cache' | 'env' | 'home' | 'buildpack' | 'runtimes';

export interface BindContext {
  buildId: string;
  /** Position of the buildpack in the build's list (role 'buildpack' only). */
  index?: number;
}

export interface SandboxBind {
  /** Host directory. */
  source: string;
  /** Where the sandbox shows it (from targetFor). */
  target: string;
  readonly: boolean;
  /** Shared by the builds of every app (the runtime cache): never handed to the build uid. */
  shared?: boolean;
}

export interface SandboxRunSpec {
  /** argv[0] is an in-sandbox path or a command on the sandbox's PATH. */
  argv: string[];
  /** The whole environment of the process: nothing is inherited. */
  env: Record<string, string>;
  cwd: string;
  binds: SandboxBind[];
  memoryMb: number;
  output: { stdout(line: string): void; stderr(line: string): void };
  /** Abort kills the whole process tree; run() then resolves (it never rejects for that). */
  signal: AbortSignal;
}

export interface SandboxExit {
  /** Exit status; 128 + signal number when killed by a signal. */
  exitCode: number;
  /** True when the sandbox knows the process was killed for exceeding memoryMb. */
  oomKilled?: boolean;
}

export interface BuildSandbox {
  targetFor(role: BindRole, hostPath: string, context: BindContext): string;
  run(spec: SandboxRunSpec): Promise<SandboxExit>;
}

/**
 * The in-sandbox paths a real sandbox should use (Heroku's /tmp/build_<id> layout). All sit
 * directly in /tmp: bwrap creates intermediate mount-point directories as 0700 root, which a
 * non-root build could not traverse.
 */
export function fixedBuildTarget(role: BindRole, context: BindContext): string {
  switch (role) {
    case 'build':
      return `/tmp/build_${context.buildId}`;
    case 'cache':
      return '/tmp/cache';
    case 'env':
      return '/tmp/env';
    case 'home':
      return '/tmp/home';
    case 'buildpack':
      return `/tmp/buildpack_${context.index ?? 0}`;
    case 'runtimes':
      return '/tmp/runtimes';
  }
}
