/**
 * What a buildpack list entry means: a built-in name (`heroku/nodejs`, `nodejs`, or the registry's
 * `urn:buildpack:heroku/nodejs`), an absolute
 * local path, or a git URL with an optional `#ref` (`https://host/x.git#v2`, `file:///srv/x.git`,
 * `/srv/x.git#main`). Anything else is refused with the three accepted forms.
 */

import { BUILTIN_BUILDPACKS, builtinBuildpack, type BuiltinBuildpack } from '../core/builtin-buildpacks.js';

export { BUILTIN_BUILDPACKS, BUILTIN_NEEDS, type BuiltinBuildpack } from '../core/builtin-buildpacks.js';

export type BuildpackRef =
  | { kind: 'builtin'; name: BuiltinBuildpack; display: string }
  | { kind: 'path'; path: string; display: string }
  | { kind: 'git'; url: string; ref: string | undefined; display: string };

export class BuildpackRefError extends Error {
  constructor(ref: string, why: string) {
    super(
      `Buildpack ${JSON.stringify(ref)} ${why}. Use a built-in name (${BUILTIN_BUILDPACKS.map((b) => `heroku/${b}`).join(', ')}), ` +
        'an absolute path to a buildpack directory, or a git URL such as https://example.com/buildpack.git#v1.',
    );
    this.name = 'BuildpackRefError';
  }
}

const GIT_SCHEME = /^(https?|git|ssh|file):\/\//;
const REF = /^[A-Za-z0-9._\/-]+$/;

export function parseBuildpackRef(input: string): BuildpackRef {
  const text = input.trim();
  const builtin: BuiltinBuildpack | undefined = builtinBuildpack(text);
  if (builtin) return { kind: 'builtin', name: builtin, display: `heroku/${builtin}` };
  if (/[\0\n\r]/.test(text) || text.startsWith('-')) throw new BuildpackRefError(input, 'contains characters that are not allowed');
  const hash = text.indexOf('#');
  const base = hash === -1 ? text : text.slice(0, hash);
  const ref = hash === -1 ? undefined : text.slice(hash + 1);
  const looksGit = GIT_SCHEME.test(base) || base.endsWith('.git') || ref !== undefined;
  if (looksGit) {
    if (!GIT_SCHEME.test(base) && !base.startsWith('/')) throw new BuildpackRefError(input, 'is not an absolute path or a URL');
    if (ref !== undefined && (ref === '' || !REF.test(ref) || ref.startsWith('-') || ref.includes('..'))) {
      throw new BuildpackRefError(input, `has an invalid git ref ${JSON.stringify(ref)}`);
    }
    return { kind: 'git', url: base, ref, display: text };
  }
  if (base.startsWith('/')) return { kind: 'path', path: base, display: text };
  throw new BuildpackRefError(input, 'is not a known buildpack');
}
