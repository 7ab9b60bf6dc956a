/**
 * Build orchestration: a checked-out source directory → buildpacks (detect, compile, release)
 * in the build sandbox → process types → slug in the blob store, as phases that each return what
 * the next needs (select: select-buildpacks.ts; compile, read release, discover types, pack:
 * build-phases.ts). Output follows Heroku's conventions line by line through `output`; a failure
 * prints its ` !` lines, then throws BuildError. The source directory is compiled in place and
 * becomes the slug's /app.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError, detail, formatDuration, headline, problem } from './build-error.js';
import { DEFAULT_BUILD_TIMEOUT_MS, type BuildOptions, type BuildResult } from './build-options.js';
import { compileBuildpacks, discoverProcessTypes, packAppSlug, readProcfile, readRelease, type Compiled } from './build-phases.js';
import { buildEnv, prepareMounts } from './build-workspace.js';
import { BuildpackRunner } from './buildpack-runner.js';
import { AppFileError } from './read-app-file.js';
import { selectBuildpacks, type Context, type Fail } from './select-buildpacks.js';
import { applySlugignore } from './slugignore.js';

export { DEFAULT_BUILD_TIMEOUT_MS, type BuildOptions, type BuildResult } from './build-options.js';

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.buildId)) throw new Error(`Invalid build id ${JSON.stringify(options.buildId)}`);
  const out = options.output;
  const timeoutMs = options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const scratch = await mkdtemp(join(options.scratchDir, `build-${options.buildId}-`));
  const controller = new AbortController();
  const onCancel = () => controller.abort('cancelled');
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const timer = setTimeout(() => controller.abort('timed_out'), timeoutMs);

  const fail: Fail = (failure, lines, exitCode) => {
    for (const line of lines) out(problem(line));
    throw new BuildError(failure, lines.join(' '), exitCode);
  };
  const checkAborted = (): void => {
    if (!controller.signal.aborted) return;
    if (controller.signal.reason === 'timed_out') {
      fail('timed_out', [`Build timed out after ${formatDuration(timeoutMs)}.`, 'Make the build faster (the build cache persists between builds) or raise the build timeout.']);
    }
    fail('cancelled', ['Build cancelled.']);
  };

  try {
    out(headline(stackHeadline(options)));
    await readProcfile(options.sourceDir, fail); // a broken Procfile fails before any work
    const removed = await applySlugignore(options.sourceDir).catch((err: unknown) => {
      if (err instanceof AppFileError) return fail('slug_invalid', [err.message]);
      throw err;
    });
    if (removed.length > 0) out(detail(`Removed ${removed.length} path${removed.length === 1 ? '' : 's'} listed in .slugignore`));

    const mounts = await prepareMounts(options, scratch);
    const runner = new BuildpackRunner({
      sandbox: options.sandbox,
      mounts,
      env: buildEnv(options, mounts),
      memoryMb: options.memoryMb ?? 2048,
      signal: controller.signal,
    });
    const context: Context = { options, scratch, mounts, runner, signal: controller.signal, fail, checkAborted };

    const selected = await selectBuildpacks(context);
    const compiled = await compileBuildpacks(selected, context);
    const last = compiled[compiled.length - 1] as Compiled;
    const release = await readRelease(last, context);
    const types = await discoverProcessTypes(release.defaultProcessTypes, context);
    const slug = await packAppSlug(context);
    return {
      ...types,
      configVarDefaults: release.configVarDefaults,
      buildpackDescription: last.name,
      buildpacks: compiled.map((bp) => bp.ref.display),
      slug,
      stack: options.stack,
    };
  } catch (err) {
    if (err instanceof BuildError) throw err;
    if (controller.signal.aborted) checkAborted();
    out(problem(`Build failed because of a Berth error, not your app: ${(err as Error).message}`));
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
    // Retries ride out a writer that is still finishing as the step ends (ENOTEMPTY, EBUSY).
    await rm(scratch, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The first line of every build: which root filesystem the build dyno really has. */
function stackHeadline(options: BuildOptions): string {
  const image = options.stackImage;
  if (image) return `Building on the ${options.stack} stack (${image.base}, image ${image.version})`;
  return `Building on the host's root filesystem (${options.stack} stack image off: --dyno-root host)`;
}
