/**
 * Berth's built-in buildpacks (buildpacks/), in the order they are tried when an app names none
 * (Heroku's order: Ruby, Node.js, Python, Java, PHP, Go, then Berth's static and procfile), with
 * what each needs and how the buildpack registry describes it. Apps name them `heroku/nodejs` or
 * `nodejs` (`heroku/gradle` is the java one); the registry hands the official CLI
 * `urn:buildpack:heroku/nodejs`, as Heroku's does.
 */
export const BUILTIN_BUILDPACKS = ['ruby', 'nodejs', 'python', 'java', 'php', 'go', 'static', 'procfile'] as const;
export type BuiltinBuildpack = (typeof BUILTIN_BUILDPACKS)[number];

/** A built-in's serial number in the registry: fixed once given, whatever the detection order. */
export const BUILTIN_SERIALS: Record<BuiltinBuildpack, number> = {
  nodejs: 1,
  python: 2,
  go: 3,
  static: 4,
  procfile: 5,
  java: 6,
  ruby: 7,
  php: 8,
};

/** What each built-in needs, for "No default language could be detected". */
export const BUILTIN_NEEDS: Record<BuiltinBuildpack, string> = {
  ruby: 'Gemfile',
  nodejs: 'package.json',
  python: 'requirements.txt, Pipfile.lock, or pyproject.toml with poetry.lock or uv.lock',
  java: 'pom.xml, or gradlew / build.gradle',
  php: 'composer.json or index.php',
  go: 'go.mod',
  static: 'index.html or static.json',
  procfile: 'a Procfile',
};

export const BUILTIN_DESCRIPTIONS: Record<BuiltinBuildpack, string> = {
  ruby: "Ruby with the stack's Ruby and bundler: deployment mode into vendor/bundle (cached), vendor/cache, Rails assets:precompile",
  nodejs: "Node.js with the host's Node and npm: npm ci, build scripts, npm start",
  python: "Python with the stack's Python: pip, Pipfile.lock, Poetry or uv into a virtualenv; Django collectstatic",
  java: "Java with the stack's JDKs: Maven (mvnw or mvn) or Gradle (gradlew), system.properties, java -jar web default",
  php: "PHP with the stack's PHP and Composer: composer install from composer.lock, PHP's built-in server",
  go: "Go modules with the stack's Go toolchain: module proxy or vendor/, go install into bin/",
  static: 'Static sites: index.html or static.json served by a small Node server',
  procfile: 'Runs what the Procfile says; builds nothing',
};

/** The built-in a name means (`heroku/nodejs`, `berth/nodejs`, `nodejs`, `urn:buildpack:heroku/nodejs`), if any. */
export function builtinBuildpack(name: string): BuiltinBuildpack | undefined {
  const match = /^(?:urn:buildpack:)?(?:heroku\/|berth\/)?(ruby|nodejs|python|java|gradle|php|go|static|procfile)$/.exec(name.trim());
  if (match?.[1] === 'gradle') return 'java';
  return match?.[1] as BuiltinBuildpack | undefined;
}
