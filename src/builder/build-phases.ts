/**
 * The build's phases after selection, each returning what the next needs: compile (detect when
 * still unknown, bin/compile, export files), read the last buildpack's bin/release, discover the
 * process types (Procfile over buildpack defaults), pack the slug. runBuild (build.ts) runs them
 * in order; each failure prints its ` !` lines and throws BuildError through `context.fail`.
 */
import { join } from 'node:path';
import { parseProcfile, ProcfileError, PROCESS_TYPE_PATTERN, type ProcessTypes } from '../core/procfile.js';
import { detail, headline } from './build-error.js';
import { CONFIG_VAR_NAME } from './build-workspace.js';
import { AppFileError, readAppFile } from './read-app-file.js';
import { parseReleaseYaml, ReleaseYamlError } from './release-yaml.js';
import { warnIfCrashed, type Context, type Fail, type Selected } from './select-buildpacks.js';
import { UnsafeArchiveError } from './inspect-archive.js';
import { formatSize, packSlug, SlugTooLargeError, type SlugRef } from './slug.js';

/** A buildpack that compiled the app, with the framework name its bin/detect printed. */
export interface Compiled extends Selected {
  name: string;
}

/** Each buildpack in order: bin/detect if selection did not run it, bin/compile with the export files of those before it. */
export async function compileBuildpacks(selected: Selected[], context: Context): Promise<Compiled[]> {
  const { options, runner, fail } = context;
  const out = options.output;
  const exportFiles: string[] = [];
  const compiled: Compiled[] = [];
  for (const bp of selected) {
    const name = bp.name ?? (await detectName(bp, context));
    out(headline(`${name} app detected`));
    const exit = await runner.compile(bp.index, exportFiles, out);
    context.checkAborted();
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
    const exported = await runner.exportFile(bp.index);
    if (exported) exportFiles.push(exported);
    compiled.push({ ...bp, name });
  }
  return compiled;
}

async function detectName(bp: Selected, context: Context): Promise<string> {
  const detected = await context.runner.detect(bp.index);
  context.checkAborted();
  warnIfCrashed(detected, bp.ref, context.options.output);
  if (detected.name === undefined) {
    context.fail('buildpack_not_compatible', [
      `App not compatible with buildpack: ${bp.ref.display}`,
      `bin/detect exited with status ${detected.exit.exitCode}: this buildpack does not apply to this app.`,
    ]);
  }
  return detected.name || bp.ref.display;
}

export interface ReleaseInfo {
  defaultProcessTypes: Record<string, string>;
  configVarDefaults: Record<string, string>;
}

/** The last buildpack's bin/release (if it has one): default process types and config vars. */
export async function readRelease(last: Compiled, context: Context): Promise<ReleaseInfo> {
  const { runner, fail } = context;
  const none: ReleaseInfo = { defaultProcessTypes: {}, configVarDefaults: {} };
  if (!(await runner.hasScript(last.index, 'release'))) return none;
  const rejected = `Push rejected, failed to compile ${last.name} app.`;
  const released = await runner.release(last.index, context.options.output);
  context.checkAborted();
  if (released.exit.exitCode !== 0) {
    fail('release_failed', [`bin/release of ${last.ref.display} exited with status ${released.exit.exitCode}.`, rejected], released.exit.exitCode);
  }
  let info = none;
  try {
    const parsed = parseReleaseYaml(released.yaml);
    info = { defaultProcessTypes: parsed.defaultProcessTypes, configVarDefaults: parsed.configVars };
  } catch (err) {
    if (!(err instanceof ReleaseYamlError)) throw err;
    fail('release_failed', [`bin/release of ${last.ref.display} printed invalid YAML (${err.message}).`, rejected]);
  }
  const defaults = info.defaultProcessTypes;
  const badType = Object.keys(defaults).find((t) => !PROCESS_TYPE_PATTERN.test(t) || defaults[t] === '');
  const badVar = Object.keys(info.configVarDefaults).find((v) => !CONFIG_VAR_NAME.test(v));
  if (badType !== undefined || badVar !== undefined) {
    fail('release_failed', [
      `bin/release of ${last.ref.display} declared ${badType !== undefined ? `an invalid process type ${JSON.stringify(badType)}` : `an invalid config var name ${JSON.stringify(badVar)}`}.`,
      rejected,
    ]);
  }
  return info;
}

/** The slug's process types: the Procfile's over the buildpack's defaults; `release` becomes the release command. */
export async function discoverProcessTypes(defaults: Record<string, string>, context: Context): Promise<{ processTypes: ProcessTypes; releaseCommand?: string }> {
  const out = context.options.output;
  out(headline('Discovering process types'));
  const procfile = (await readProcfile(context.options.sourceDir, context.fail)) ?? {};
  const declared = Object.keys(procfile);
  out(detail(`Procfile declares types     -> ${declared.length ? declared.join(', ') : '(none)'}`));
  const fromDefaults = Object.keys(defaults).filter((t) => !(t in procfile));
  if (fromDefaults.length) out(detail(`Default types for buildpack -> ${fromDefaults.join(', ')}`));
  const { release: releaseCommand, ...processTypes } = { ...defaults, ...procfile };
  return releaseCommand !== undefined ? { processTypes, releaseCommand } : { processTypes };
}

/** The compiled app directory → a slug in the blob store. */
export async function packAppSlug(context: Context): Promise<SlugRef> {
  const { options, fail } = context;
  options.output(headline('Compressing...'));
  let slug: SlugRef;
  try {
    slug = await packSlug({
      appDir: options.sourceDir,
      blobs: options.blobs,
      key: options.slugKey,
      tmpDir: context.scratch,
      signal: context.signal,
      ...(options.maxSlugBytes !== undefined ? { maxBytes: options.maxSlugBytes } : {}),
    });
  } catch (err) {
    context.checkAborted();
    if (err instanceof SlugTooLargeError) return fail('slug_too_large', [err.message]);
    if (err instanceof UnsafeArchiveError) {
      return fail('slug_invalid', [err.message.replace('The slug was rejected: ', 'The compiled app cannot become a slug: '), 'Remove it in bin/compile or list it in .slugignore.']);
    }
    throw err;
  }
  options.output(detail(`Done: ${formatSize(slug.size)}`));
  return slug;
}

export async function readProcfile(dir: string, fail: Fail): Promise<ProcessTypes | undefined> {
  try {
    const text = await readAppFile(join(dir, 'Procfile'), 'Procfile');
    return text === undefined ? undefined : parseProcfile(text);
  } catch (err) {
    if (err instanceof ProcfileError || err instanceof AppFileError) return fail('procfile_invalid', [err.message]);
    throw err;
  }
}
