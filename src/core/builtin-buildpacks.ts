/**
 * Berth's built-in buildpacks (buildpacks/), in the order they are tried when an app names none,
 * with what each needs and how the buildpack registry describes it. Apps name them `heroku/nodejs`
 * or `nodejs`; the registry hands the official CLI `urn:buildpack:heroku/nodejs`, as Heroku's does.
 */
export const BUILTIN_BUILDPACKS = ['nodejs', 'python', 'go', 'static', 'procfile'] as const;
export type BuiltinBuildpack = (typeof BUILTIN_BUILDPACKS)[number];

/** What each built-in needs, for "No default language could be detected". */
export const BUILTIN_NEEDS: Record<BuiltinBuildpack, string> = {
  nodejs: 'package.json',
  python: 'requirements.txt, Pipfile.lock, or pyproject.toml with poetry.lock or uv.lock',
  go: 'go.mod',
  static: 'index.html or static.json',
  procfile: 'a Procfile',
};

export const BUILTIN_DESCRIPTIONS: Record<BuiltinBuildpack, string> = {
  nodejs: "Node.js with the host's Node and npm: npm ci, build scripts, npm start",
  python: "Python with the stack's Python: pip, Pipfile.lock, Poetry or uv into a virtualenv; Django collectstatic",
  go: "Go modules with the stack's Go toolchain: module proxy or vendor/, go install into bin/",
  static: 'Static sites: index.html or static.json served by a small Node server',
  procfile: 'Runs what the Procfile says; builds nothing',
};

/** The built-in a name means (`heroku/nodejs`, `berth/nodejs`, `nodejs`, `urn:buildpack:heroku/nodejs`), if any. */
export function builtinBuildpack(name: string): BuiltinBuildpack | undefined {
  const match = /^(?:urn:buildpack:)?(?:heroku\/|berth\/)?(nodejs|python|go|static|procfile)$/.exec(name.trim());
  return match?.[1] as BuiltinBuildpack | undefined;
}
