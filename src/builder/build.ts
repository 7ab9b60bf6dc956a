/**
 * Build orchestration: a checked-out source directory → buildpacks (detect, compile, release)
 * in the build sandbox → process types → slug in the blob store. Output follows Heroku's
 * conventions line by line through `output`; a failure prints its ` !` lines, then throws
 * BuildError. The source directory is compiled in place and becomes the slug's /app.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProcfile, ProcfileError, PROCESS_TYPE_PATTERN, type ProcessTypes } from '../core/procfile.js';
import { BuildError, detail, formatDuration, headline, problem } from './build-error.js';
import { DEFAULT_BUILD_TIMEOUT_MS, type BuildOptions, type BuildResult } from './build-options.js';
import { buildEnv, CONFIG_VAR_NAME, prepareMounts } from './build-workspace.js';
import { BUILTIN_BUILDPACKS, BUILTIN_NEEDS } from './buildpack-ref.js';
import { BuildpackRunner } from './buildpack-runner.js';
import { AppFileError, readAppFile } from './read-app-file.js';
import { parseReleaseYaml, ReleaseYamlError } from './release-yaml.js';
import { detectBuiltin, materialize, parseRef, warnIfCrashed, type Fail, type Selected } from './select-buildpacks.js';
import { UnsafeArchiveError } from './inspect-archive.js';
import { formatSize, packSlug, SlugTooLargeError, type SlugRef } from './slug.js';
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
    out(headline(`Building on the ${stackLabel(options.stack)} stack`));
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
    const context = { options, scratch, mounts, runner, signal: controller.signal, fail };

    const explicit = options.buildpacks.length > 0;
    let selected: Selected[];
    let names: string[];
    if (explicit) {
      const refs = options.buildpacks.map((text) => parseRef(text, options, fail));
      if (refs.length === 1) out(headline(`Using buildpack: ${refs[0]?.display}`));
      else {
        out(headline('Using buildpacks:'));
        refs.forEach((ref, i) => out(detail(`${i + 1}. ${ref.display}`)));
      }
      selected = [];
      for (const ref of refs) selected.push(await materialize(ref, context));
      names = [];
    } else {
      out(headline('Determining which buildpack to use for this app'));
      const found = await detectBuiltin(context);
      checkAborted();
      if (!found) {
        return fail('no_buildpack_detected', [
          'No default language could be detected for this app.',
          `Tried: ${BUILTIN_BUILDPACKS.map((b) => `heroku/${b} (needs ${BUILTIN_NEEDS[b]})`).join(', ')}.`,
          'Add a Procfile, or choose a buildpack: berth buildpacks:set <name, path or git URL>.',
        ]);
      }
      selected = [found.selected];
      names = [found.name];
      out(headline(`Using buildpack: ${found.selected.ref.display}`));
    }

    const exportFiles: string[] = [];
    for (let i = 0; i < selected.length; i++) {
      const bp = selected[i] as Selected;
      let name = names[i];
      if (name === undefined) {
        const detected = await runner.detect(i);
        checkAborted();
        warnIfCrashed(detected, bp.ref, out);
        if (detected.name === undefined) {
          fail('buildpack_not_compatible', [
            `App not compatible with buildpack: ${bp.ref.display}`,
            `bin/detect exited with status ${detected.exit.exitCode}: this buildpack does not apply to this app.`,
          ]);
        }
        name = detected.name || bp.ref.display;
        names[i] = name;
      }
      out(headline(`${name} app detected`));
      const exit = await runner.compile(i, exportFiles, out);
      checkAborted();
      if (exit.exitCode !== 0) {
        fail(
          'compile_failed',
          [
            exit.oomKilled
              ? `bin/compile of ${bp.ref.display} was killed: the build used more than ${options.memoryMb ?? 2048} MB of memory.`
              : `bin/compile of ${bp.ref.display} exited with status ${exit.exitCode}.`,
            `Push rejected, failed to compile ${name} app.`,
          ],
          exit.exitCode,
        );
      }
      const exported = await runner.exportFile(i);
      if (exported) exportFiles.push(exported);
    }

    const lastIndex = selected.length - 1;
    const last = selected[lastIndex] as Selected;
    const description = names[lastIndex] ?? last.ref.display;
    let defaults: Record<string, string> = {};
    let configVarDefaults: Record<string, string> = {};
    if (await runner.hasScript(lastIndex, 'release')) {
      const released = await runner.release(lastIndex, out);
      checkAborted();
      if (released.exit.exitCode !== 0) {
        fail('release_failed', [`bin/release of ${last.ref.display} exited with status ${released.exit.exitCode}.`, `Push rejected, failed to compile ${description} app.`], released.exit.exitCode);
      }
      try {
        const info = parseReleaseYaml(released.yaml);
        defaults = info.defaultProcessTypes;
        configVarDefaults = info.configVars;
      } catch (err) {
        if (!(err instanceof ReleaseYamlError)) throw err;
        fail('release_failed', [`bin/release of ${last.ref.display} printed invalid YAML (${err.message}).`, `Push rejected, failed to compile ${description} app.`]);
      }
      const badType = Object.keys(defaults).find((t) => !PROCESS_TYPE_PATTERN.test(t) || defaults[t] === '');
      const badVar = Object.keys(configVarDefaults).find((v) => !CONFIG_VAR_NAME.test(v));
      if (badType !== undefined || badVar !== undefined) {
        fail('release_failed', [
          `bin/release of ${last.ref.display} declared ${badType !== undefined ? `an invalid process type ${JSON.stringify(badType)}` : `an invalid config var name ${JSON.stringify(badVar)}`}.`,
          `Push rejected, failed to compile ${description} app.`,
        ]);
      }
    }

    out(headline('Discovering process types'));
    const procfile = (await readProcfile(options.sourceDir, fail)) ?? {};
    const declared = Object.keys(procfile);
    out(detail(`Procfile declares types     -> ${declared.length ? declared.join(', ') : '(none)'}`));
    const fromDefaults = Object.keys(defaults).filter((t) => !(t in procfile));
    if (fromDefaults.length) out(detail(`Default types for buildpack -> ${fromDefaults.join(', ')}`));
    const { release: releaseCommand, ...processTypes } = { ...defaults, ...procfile };

    out(headline('Compressing...'));
    let slug: SlugRef;
    try {
      slug = await packSlug({
        appDir: options.sourceDir,
        blobs: options.blobs,
        key: options.slugKey,
        tmpDir: scratch,
        signal: controller.signal,
        ...(options.maxSlugBytes !== undefined ? { maxBytes: options.maxSlugBytes } : {}),
      });
    } catch (err) {
      checkAborted();
      if (err instanceof SlugTooLargeError) return fail('slug_too_large', [err.message]);
      if (err instanceof UnsafeArchiveError) {
        return fail('slug_invalid', [err.message.replace('The slug was rejected: ', 'The compiled app cannot become a slug: '), 'Remove it in bin/compile or list it in .slugignore.']);
      }
      throw err;
    }
    out(detail(`Done: ${formatSize(slug.size)}`));
    return {
      processTypes,
      ...(releaseCommand !== undefined ? { releaseCommand } : {}),
      configVarDefaults,
      buildpackDescription: description,
      buildpacks: selected.map((s) => s.ref.display),
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
    await rm(scratch, { recursive: true, force: true });
  }
}

const stackLabel = (stack: string): string => stack.charAt(0).toUpperCase() + stack.slice(1);

async function readProcfile(dir: string, fail: Fail): Promise<ProcessTypes | undefined> {
  try {
    const text = await readAppFile(join(dir, 'Procfile'), 'Procfile');
    return text === undefined ? undefined : parseProcfile(text);
  } catch (err) {
    if (err instanceof ProcfileError || err instanceof AppFileError) return fail('procfile_invalid', [err.message]);
    throw err;
  }
}
