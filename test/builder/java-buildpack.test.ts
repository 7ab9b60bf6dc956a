/**
 * The Java buildpack on the host's JDKs and Maven: bin/detect for Maven and Gradle projects, a
 * plain Maven jar built with plugins from Maven Central and made the web default, the Maven
 * repository kept in the build cache, the app's Maven wrapper (generated here by Maven's wrapper
 * plugin) used instead of the stack's Maven, a java.runtime.version the stack lacks, and a dependency
 * that does not exist (Maven's own error). Pushed and served end to end in test/e2e/languages.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, constants, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BuildHarness, fixtureDir } from './build-harness.js';
import { appDir, detect } from './buildpack-detect.js';

/** The stack's JDKs (as lib/toolchain.sh finds them): real path → JAVA_VERSION, newest first. */
async function stackJdks(): Promise<Array<{ home: string; version: string }>> {
  const found = new Map<string, string>();
  for (const name of await readdir('/usr/lib/jvm')) {
    const release = await readFile(join('/usr/lib/jvm', name, 'release'), 'utf8').catch(() => '');
    const version = /^JAVA_VERSION="(.*)"$/m.exec(release)?.[1];
    if (version && (await access(join('/usr/lib/jvm', name, 'bin', 'javac'), constants.X_OK).then(() => true, () => false))) found.set(await realpath(join('/usr/lib/jvm', name)), version);
  }
  return [...found].map(([home, version]) => ({ home, version })).sort((a, b) => Number(b.version.split('.')[0]) - Number(a.version.split('.')[0]));
}

describe('the Java buildpack detects', () => {
  it('a Maven project as "Java", a Gradle one as "Gradle", and declines other languages', async () => {
    assert.deepEqual(await detect('java', fixtureDir('java-maven')), { code: 0, stdout: 'Java\n' });
    const gradle = await appDir({ 'build.gradle': "plugins { id 'java' }\n" });
    try {
      assert.deepEqual(await detect('java', gradle.dir), { code: 0, stdout: 'Gradle\n' });
    } finally {
      await gradle.remove();
    }
    for (const fixture of ['node-web', 'python-flask', 'go-web', 'ruby-sinatra', 'php-composer']) {
      assert.deepEqual(await detect('java', fixtureDir(fixture)), { code: 1, stdout: '' }, fixture);
    }
  });
});

describe('the Java buildpack compiles', () => {
  let h: BuildHarness;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  /** The java-maven fixture with `files` written over it. */
  const variant = async (files: Record<string, string>) => appDir(files, 'java-maven');

  it('a Maven project with the stack\'s JDK into a runnable jar that becomes the web process, keeping ~/.m2 in the cache', async () => {
    const run = await h.build('java-maven');
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('-----> Java app detected'), run.output);
    assert.match(run.output, /-----> Using OpenJDK 17\.\d+\.\d+ \(the stack's default; set java\.runtime\.version in system\.properties to choose: .*17\.\d+\.\d+/);
    assert.ok(run.lines.includes('-----> Executing Maven'), run.output);
    assert.ok(run.lines.includes('       $ /usr/bin/mvn -DskipTests clean dependency:list install'), run.output);
    assert.match(run.output, / {7}\[INFO\] BUILD SUCCESS/);
    assert.ok(run.lines.includes('       Runnable jar: target/java-maven-1.0.jar'), run.output);
    assert.deepEqual(run.result?.processTypes, { web: 'java -Dserver.port=$PORT $JAVA_OPTS -jar target/java-maven-1.0.jar' });
    await access(join(h.cacheDir(), '.m2', 'repository', 'org', 'apache', 'maven', 'plugins', 'maven-jar-plugin', '3.4.2'), constants.R_OK);
    const profile = await readFile(join(run.sourceDir, '.profile.d', 'java.sh'), 'utf8');
    assert.match(profile, /^export JAVA_HOME="\/usr\/lib\/jvm\/java-17-openjdk-amd64"$/m);
  });

  it('an app with the Maven wrapper with ./mvnw, keeping the Maven it downloads in the cache', async () => {
    const app = await variant({});
    try {
      await promisify(execFile)('mvn', ['-B', '-q', '--no-transfer-progress', `-Dmaven.repo.local=${join(h.cacheDir(), '.m2', 'repository')}`, '-N',
        'org.apache.maven.plugins:maven-wrapper-plugin:3.3.2:wrapper', '-Dtype=only-script', '-Dmaven=3.9.9'], { cwd: app.dir, timeout: 180_000 });
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.ok(run.lines.includes('       $ ./mvnw -DskipTests clean dependency:list install'), run.output);
      assert.match(run.output, / {7}\[INFO\] BUILD SUCCESS/);
      await access(join(h.cacheDir(), '.m2', 'wrapper', 'dists', 'apache-maven-3.9.9'), constants.R_OK);
    } finally {
      await app.remove();
    }
  });

  it('with the JDK system.properties names, which the dyno\'s JAVA_HOME then points at', async () => {
    const newest = (await stackJdks())[0]!;
    const major = newest.version.split('.')[0]!;
    const app = await variant({ 'system.properties': `java.runtime.version=${major}\n` });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.ok(run.lines.includes(`-----> Using OpenJDK ${newest.version} (the stack's; system.properties asks for ${major})`), run.output);
      assert.match(await readFile(join(run.sourceDir, '.profile.d', 'java.sh'), 'utf8'), new RegExp(`^export JAVA_HOME="${newest.home}"$`, 'm'));
    } finally {
      await app.remove();
    }
  });

  it('no app whose system.properties asks for a JDK the stack lacks, naming the ones it has', async () => {
    const app = await variant({ 'system.properties': 'java.runtime.version=11\n' });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes(' !     system.properties asks for java.runtime.version=11, which this stack does not have.'), run.output);
      assert.match(run.output, / ! {5}This stack has JDK (\d+\.\d+\.\d+, )*17\.\d+\.\d+/);
      assert.doesNotMatch(run.output, /Executing Maven/);
    } finally {
      await app.remove();
    }
  });

  it('no app depending on an artifact Maven Central does not have, showing Maven\'s own error', async () => {
    const app = await variant({});
    try {
      const pom = await readFile(join(app.dir, 'pom.xml'), 'utf8');
      await writeFile(join(app.dir, 'pom.xml'), pom.replace('<dependencies>\n', '<dependencies>\n    <dependency><groupId>berth.nosuch</groupId><artifactId>nothing-here</artifactId><version>1.0</version></dependency>\n'));
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.match(run.output, / {7}\[ERROR\] Failed to execute goal .*Could not resolve dependencies .*berth\.nosuch:nothing-here:jar:1\.0/);
      assert.ok(run.lines.includes(' !     Failed to build app with Maven (its error is above).'), run.output);
    } finally {
      await app.remove();
    }
  });
  // Gradle itself is not reachable here (the wrapper downloads it from services.gradle.org), so the
  // app's gradlew is a stand-in script: what is tested is the buildpack around it (the wrapper is
  // required, the task chosen, its failure shown, the jar it built made the web process).
  const gradleApp = (gradlew: string, build = 'plugins { id "java" }\ntasks.register("stage") { dependsOn "build" }\n') => appDir({
    'build.gradle': build,
    'gradlew': gradlew,
    'Main.java': 'public class Main { public static void main(String[] a) { System.out.println("gradle ok"); } }\n',
  });

  it('a Gradle project with ./gradlew stage when the build defines stage, making the jar it built the web process', async () => {
    const app = await gradleApp([
      '#!/bin/sh',
      '# Stand-in for the Gradle wrapper: records its arguments and builds build/libs/app.jar.',
      'echo "$@" > gradlew.args',
      'mkdir -p build/classes build/libs',
      '"$JAVA_HOME/bin/javac" -d build/classes Main.java || exit 1',
      'printf "Main-Class: Main\\n" > build/manifest.txt',
      '"$JAVA_HOME/bin/jar" cfm build/libs/app.jar build/manifest.txt -C build/classes . || exit 1',
      'echo "BUILD SUCCESSFUL"',
      '',
    ].join('\n'));
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error, undefined, run.output);
      assert.ok(run.lines.includes('-----> Gradle app detected'), run.output);
      assert.ok(run.lines.includes('-----> Executing Gradle'), run.output);
      assert.ok(run.lines.includes('       $ ./gradlew stage'), run.output);
      assert.ok(run.lines.includes('       BUILD SUCCESSFUL'), run.output);
      assert.equal(await readFile(join(run.sourceDir, 'gradlew.args'), 'utf8'), '--no-daemon --console=plain stage\n');
      assert.deepEqual(run.result?.processTypes, { web: 'java -Dserver.port=$PORT $JAVA_OPTS -jar build/libs/app.jar' });
    } finally {
      await app.remove();
    }
  });

  it('no Gradle project without the wrapper, saying what to commit', async () => {
    const app = await appDir({ 'build.gradle': 'plugins { id "java" }\n' });
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes(' !     No Gradle wrapper (gradlew) found: run `gradle wrapper` and commit gradlew and gradle/wrapper/.'), run.output);
    } finally {
      await app.remove();
    }
  });

  it('no Gradle project whose build fails, showing its error', async () => {
    const app = await gradleApp('#!/bin/sh\necho "Could not resolve org.example:missing:1.0."\nexit 1\n', 'plugins { id "java" }\n');
    try {
      const run = await h.build(app.dir);
      assert.equal(run.error?.failure, 'compile_failed', run.output);
      assert.ok(run.lines.includes('       $ ./gradlew build -x check'), run.output);
      assert.ok(run.lines.includes('       Could not resolve org.example:missing:1.0.'), run.output);
      assert.ok(run.lines.includes(' !     Failed to build app with Gradle (its error is above).'), run.output);
    } finally {
      await app.remove();
    }
  });
});
