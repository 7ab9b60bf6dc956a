/**
 * Why a build failed. The builder has already streamed the user-facing lines (` !     …`) to
 * the build output when it throws; `message` repeats the gist for records and API answers.
 */

/** Every way a build fails (documented in docs/errors.md, "Build failures"; a test checks they agree). */
export const BUILD_FAILURES = [
  'procfile_invalid',
  'buildpack_invalid',
  'no_buildpack_detected',
  'buildpack_not_compatible',
  'compile_failed',
  'release_failed',
  'slug_too_large',
  'app_disk_full',
  'slug_invalid',
  'cancelled',
  'timed_out',
] as const;

export type BuildFailure = (typeof BUILD_FAILURES)[number];

export class BuildError extends Error {
  readonly failure: BuildFailure;
  /** The failing script's exit status (compile_failed, release_failed). */
  readonly exitCode: number | undefined;
  constructor(failure: BuildFailure, message: string, exitCode?: number) {
    super(message);
    this.name = 'BuildError';
    this.failure = failure;
    this.exitCode = exitCode;
  }
}

/** Heroku's output conventions. */
export const headline = (text: string): string => `-----> ${text}`;
export const detail = (text: string): string => `       ${text}`;
export const problem = (text: string): string => ` !     ${text}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}
