/**
 * The build's first phase, selectBuildpacks: parse the app's list and copy each buildpack into
 * the build (fetching git ones), or detect over the built-ins in order when the app sets none.
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { detail, headline, problem, type BuildFailure } from './build-error.js';
import type { BuildOptions } from './build-options.js';
import { BUILTIN_BUILDPACKS, BUILTIN_NEEDS, parseBuildpackRef, BuildpackRefError, type BuildpackRef } from './buildpack-ref.js';
import type { BuildMounts, BuildpackRunner, Mount } from './buildpack-runner.js';
import { BuildpackFetchError, fetchGitBuildpack } from './fetch-buildpack.js';

export interface Selected {
  ref: BuildpackRef;
  mount: Mount;
  /** Its position in the build (the runner's buildpack index). */
  index: number;
  /** What bin/detect printed, when selection already ran it (a detected built-in). */
  name?: string;
}

/** Prints the ` !` lines and throws BuildError. */
export type Fail = (failure: BuildFailure, lines: string[], exitCode?: number) => never;

export interface Context {
  options: BuildOptions;
  scratch: string;
  mounts: BuildMounts;
  runner: BuildpackRunner;
  signal: AbortSignal;
  fail: Fail;
  /** Fails the build (timed out or cancelled) if it was aborted. */
  checkAborted(): void;
}

/** The app's buildpacks in order, or the first built-in whose bin/detect accepts the app. */
export async function selectBuildpacks(context: Context): Promise<Selected[]> {
  const { options, fail } = context;
  const out = options.output;
  if (options.buildpacks.length > 0) {
    const refs = options.buildpacks.map((text) => parseRef(text, options, fail));
    if (refs.length === 1) out(headline(`Using buildpack: ${refs[0]?.display}`));
    else {
      out(headline('Using buildpacks:'));
      refs.forEach((ref, i) => out(detail(`${i + 1}. ${ref.display}`)));
    }
    const selected: Selected[] = [];
    for (const ref of refs) selected.push(await materialize(ref, context));
    return selected;
  }
  out(headline('Determining which buildpack to use for this app'));
  const found = await detectBuiltin(context);
  context.checkAborted();
  if (!found) {
    return fail('no_buildpack_detected', [
      'No default language could be detected for this app.',
      `Tried: ${BUILTIN_BUILDPACKS.map((b) => `heroku/${b} (needs ${BUILTIN_NEEDS[b]})`).join(', ')}.`,
      'Add a Procfile, or choose a buildpack: berth buildpacks:set <name, path or git URL>.',
    ]);
  }
  out(headline(`Using buildpack: ${found.ref.display}`));
  return [found];
}

/** A list entry as a BuildpackRef, refusing local ones when the install does not allow them. */
export function parseRef(text: string, options: BuildOptions, fail: Fail): BuildpackRef {
  try {
    const ref = parseBuildpackRef(text);
    const local = ref.kind === 'path' || (ref.kind === 'git' && (ref.url.startsWith('/') || ref.url.startsWith('file:')));
    if (local && options.allowLocalBuildpacks === false) {
      return fail('buildpack_invalid', [`Buildpack ${text} is a local path, which this Berth does not allow. Use a git URL or a built-in name.`]);
    }
    return ref;
  } catch (err) {
    if (err instanceof BuildpackRefError) return fail('buildpack_invalid', [err.message]);
    throw err;
  }
}

/** Copies a buildpack into this build (its scripts may write an `export` file beside them). */
export async function materialize(ref: BuildpackRef, context: Context): Promise<Selected> {
  const { options, scratch, mounts, fail } = context;
  let source: string;
  if (ref.kind === 'builtin') source = join(options.builtinBuildpacksDir, ref.name);
  else if (ref.kind === 'path') source = ref.path;
  else {
    try {
      const fetched = await fetchGitBuildpack({
        url: ref.url,
        ref: ref.ref,
        cacheDir: options.buildpackCacheDir,
        allowLocal: options.allowLocalBuildpacks !== false,
        signal: context.signal,
        ...(options.gitEnv ? { env: options.gitEnv } : {}),
        ...(options.egress ? { egress: options.egress } : {}),
      });
      options.output(detail(`${fetched.cached ? 'Using cached' : 'Fetched'} buildpack ${ref.display} (${fetched.commit.slice(0, 7)})`));
      source = fetched.dir;
    } catch (err) {
      if (err instanceof BuildpackFetchError) return fail('buildpack_invalid', [err.message]);
      throw err;
    }
  }
  const index = mounts.buildpacks.length;
  const host = join(scratch, 'buildpacks', String(index));
  try {
    await cp(source, host, { recursive: true, filter: (src) => !src.endsWith('/.git') });
  } catch {
    return fail('buildpack_invalid', [`Buildpack ${ref.display} could not be read: is it a directory holding bin/detect and bin/compile?`]);
  }
  const mount = { host, target: options.sandbox.targetFor('buildpack', host, { buildId: options.buildId, index }) };
  mounts.buildpacks.push(mount);
  for (const script of ['detect', 'compile']) {
    if (!(await context.runner.hasScript(index, script))) {
      fail('buildpack_invalid', [`Buildpack ${ref.display} has no executable bin/${script}: it is not a classic buildpack.`]);
    }
  }
  return { ref, mount, index };
}

/** Exit 1 means "not my app"; anything else (126, 127, a signal) means the script or sandbox broke. */
export function warnIfCrashed(detected: Awaited<ReturnType<BuildpackRunner['detect']>>, ref: BuildpackRef, out: (line: string) => void): void {
  if (detected.exit.exitCode === 0 || detected.exit.exitCode === 1) return;
  const why = detected.stderr.filter((l) => l.trim() !== '').at(-1);
  out(problem(`bin/detect of ${ref.display} exited with status ${detected.exit.exitCode}${why ? `: ${why.trim()}` : ''}`));
}

/** Runs the built-ins' bin/detect in order; the first match is kept as buildpack 0. */
async function detectBuiltin(context: Context): Promise<Selected | undefined> {
  for (const name of BUILTIN_BUILDPACKS) {
    const selected = await materialize(parseBuildpackRef(name), context);
    const detected = await context.runner.detect(selected.index);
    if (context.signal.aborted) return undefined;
    warnIfCrashed(detected, selected.ref, context.options.output);
    if (detected.name !== undefined) return { ...selected, name: detected.name || selected.ref.display };
    context.mounts.buildpacks.pop();
    await rm(selected.mount.host, { recursive: true, force: true });
  }
  return undefined;
}
