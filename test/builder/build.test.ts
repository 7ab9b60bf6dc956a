import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildHarness } from './build-harness.js';
import { writeBuildpack } from './custom-buildpack.js';
import { waitFor } from '../support/wait.js';

describe('runBuild', () => {
  let h: BuildHarness;
  let n = 0;
  before(async () => {
    h = await BuildHarness.create();
  });
  after(() => h.cleanup());

  const bp = (scripts: Parameters<typeof writeBuildpack>[1]) => writeBuildpack(join(h.root, `bp-${++n}`), scripts);
  const app = async (files: Record<string, string>): Promise<string> => {
    const dir = join(h.root, `app-${++n}`);
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    return dir;
  };
  const slugNames = (key: string) => execFileSync('tar', ['-tzf', h.blobs.path(key)], { encoding: 'utf8' }).split('\n').filter(Boolean);

  it('gives config vars to bin/compile as ENV_DIR files and not as environment variables', async () => {
    const pack = await bp({
      compile: [
        'ls "$3" > "$1/env-dir-listing"',
        'cat "$3/SECRET_TOKEN" > "$1/secret-from-file"',
        'env > "$1/compile-env"',
      ].join('\n'),
    });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), {
      buildpacks: [pack],
      configVars: { SECRET_TOKEN: 's3cr3t value', DATABASE_URL: 'postgres://u:p@h/db' },
    });
    assert.equal(run.error, undefined, run.output);
    assert.deepEqual((await readFile(join(run.sourceDir, 'env-dir-listing'), 'utf8')).split('\n').filter(Boolean), ['DATABASE_URL', 'SECRET_TOKEN']);
    assert.equal(await readFile(join(run.sourceDir, 'secret-from-file'), 'utf8'), 's3cr3t value');
    const env = await readFile(join(run.sourceDir, 'compile-env'), 'utf8');
    assert.doesNotMatch(env, /SECRET_TOKEN|s3cr3t|DATABASE_URL/);
    assert.match(env, /^STACK=heroku-24$/m); // Heroku's name, for official buildpacks
    assert.match(env, /^BERTH_STACK=berth-24$/m);
    assert.match(env, /^SOURCE_VERSION=abc1234$/m);
  });

  it('sources each buildpack\'s export file before the next compile, and takes process types from the last release', async () => {
    const first = await bp({
      compile: 'here="$(cd "$(dirname "$0")/.." && pwd)"; echo "export FROM_FIRST=\'hello from one\'" > "$here/export"',
      release: 'printf -- "---\\ndefault_process_types:\\n  web: first-web\\n"',
    });
    const second = await bp({
      detect: 'echo Second',
      compile: 'echo "       FROM_FIRST=$FROM_FIRST"',
      release: 'printf -- "---\\ndefault_process_types:\\n  web: second-web\\n  worker: second-worker\\n"',
    });
    const run = await h.build(await app({ 'Procfile': 'worker: my-worker\n' }), { buildpacks: [first, second] });
    assert.equal(run.error, undefined, run.output);
    assert.deepEqual(run.lines.slice(1, 4), ['-----> Using buildpacks:', `       1. ${first}`, `       2. ${second}`]);
    assert.ok(run.lines.includes('       FROM_FIRST=hello from one'), run.output);
    assert.ok(run.lines.indexOf('-----> Custom app detected') < run.lines.indexOf('-----> Second app detected'));
    assert.deepEqual(run.result?.processTypes, { web: 'second-web', worker: 'my-worker' });
    assert.equal(run.result?.buildpackDescription, 'Second');
    assert.ok(run.lines.includes('       Procfile declares types     -> worker'));
    assert.ok(run.lines.includes('       Default types for buildpack -> web'));
  });

  it('puts the .profile.d scripts a buildpack writes into the slug', async () => {
    const pack = await bp({ compile: 'mkdir -p "$1/.profile.d"; echo "export GREETING=hi" > "$1/.profile.d/custom.sh"' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack] });
    assert.equal(run.error, undefined, run.output);
    assert.ok(slugNames(run.result!.slug.key).includes('./app/.profile.d/custom.sh'));
  });

  it('removes .slugignore paths before compile', async () => {
    const pack = await bp({ compile: '[ ! -e "$1/docs" ] && echo "       docs already gone"' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n', '.slugignore': 'docs\n', 'docs/big.pdf': 'x' }), { buildpacks: [pack] });
    assert.equal(run.error, undefined, run.output);
    assert.ok(run.lines.includes('       docs already gone'), run.output);
    assert.ok(!slugNames(run.result!.slug.key).some((n) => n.includes('docs')));
  });

  it('fetches a git buildpack at a ref once and uses the cached copy afterwards', async () => {
    const work = await bp({ detect: 'echo FromGit', compile: 'echo "       compiled by the git buildpack"' });
    const bare = join(h.root, `bp-${++n}.git`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, stdio: 'pipe', env: { PATH: '/usr/bin:/bin', HOME: h.root, GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'v1');
    git('tag', 'v1');
    execFileSync('git', ['clone', '-q', '--bare', work, bare], { stdio: 'pipe' });

    const source = await app({ 'Procfile': 'web: x\n' });
    const first = await h.build(source, { buildpacks: [`file://${bare}#v1`] });
    assert.equal(first.error, undefined, first.output);
    assert.match(first.output, /Fetched buildpack file:\/\/.*#v1 \([0-9a-f]{7}\)/);
    assert.ok(first.lines.includes('       compiled by the git buildpack'));
    const second = await h.build(source, { buildpacks: [`file://${bare}#v1`] });
    assert.match(second.output, /Using cached buildpack file:\/\/.*#v1/);
    assert.equal((await readdir(join(h.root, 'bpcache'))).length, 1);

    const plainPath = await h.build(source, { buildpacks: [`${bare}#main`] });
    assert.equal(plainPath.error, undefined, plainPath.output);

    const missingRef = await h.build(source, { buildpacks: [`file://${bare}#no-such-ref`] });
    assert.equal(missingRef.error?.failure, 'buildpack_invalid');
    assert.match(missingRef.output, / ! {5}Could not fetch buildpack file:\/\/.*#no-such-ref: git failed .*Check the URL and the ref\./);
  });

  it('refuses local buildpacks when they are not allowed', async () => {
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [await bp({})], allowLocalBuildpacks: false });
    assert.equal(run.error?.failure, 'buildpack_invalid');
    assert.match(run.output, /is a local path, which this Berth does not allow/);
  });

  it('says which forms a buildpack may take when it is none of them', async () => {
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: ['heroku/clojure'] });
    assert.equal(run.error?.failure, 'buildpack_invalid');
    assert.match(run.output, /Buildpack "heroku\/clojure" is not a known buildpack\. Use a built-in name/);
  });

  it('fails when an explicitly set buildpack does not detect the app', async () => {
    const run = await h.build('no-language', { buildpacks: ['heroku/nodejs'] });
    assert.equal(run.error?.failure, 'buildpack_not_compatible');
    assert.ok(run.lines.includes(' !     App not compatible with buildpack: heroku/nodejs'), run.output);
  });

  it('shows why bin/detect crashed instead of only saying the app was not recognised', async () => {
    const pack = await bp({ detect: 'echo "detect blew up" >&2; exit 3' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack] });
    assert.equal(run.error?.failure, 'buildpack_not_compatible');
    assert.ok(run.lines.includes(` !     bin/detect of ${pack} exited with status 3: detect blew up`), run.output);
  });

  it('fails the build, not the release, when the compiled app holds what no slug may hold', async () => {
    const pack = await bp({ compile: 'mkfifo "$1/pipe"' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack] });
    assert.equal(run.error?.failure, 'slug_invalid');
    assert.match(run.output, / ! {5}The compiled app cannot become a slug: entry "\.\/app\/pipe" is a fifo\./);
  });

  it('does not follow a Procfile symlink out of the app, nor block on a FIFO a buildpack left', async () => {
    const linked = await app({ 'server.js': 'x' });
    const { symlink } = await import('node:fs/promises');
    await symlink('/etc/passwd', join(linked, 'Procfile'));
    const run = await h.build(linked);
    assert.equal(run.error?.failure, 'procfile_invalid');
    assert.ok(run.lines.includes(' !     Procfile is a symlink; commit it as a regular file.'), run.output);
    const pack = await bp({ compile: 'rm "$1/Procfile"; mkfifo "$1/Procfile"' });
    const second = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack] });
    assert.equal(second.error?.failure, 'procfile_invalid');
    assert.match(second.output, /Procfile is not a regular file/);
  });

  it('fails a slug over the size limit with Heroku\'s message', async () => {
    const run = await h.build('procfile-web', { maxSlugBytes: 100 });
    assert.equal(run.error?.failure, 'slug_too_large');
    assert.match(run.lines.at(-1) ?? '', /^ ! {5}Compiled slug size \d+B is too large \(max is 100B\)\. Remove unneeded files with \.slugignore\.$/);
  });

  it('stops a long compile when cancelled, killing what it started', async () => {
    const pidFile = join(h.root, `pids-${++n}`);
    const pack = await bp({ compile: `sleep 300 & echo $! > ${pidFile}; echo "       compiling for a long time"; wait` });
    const controller = new AbortController();
    const building = h.build(await app({ 'Procfile': 'web: x\n' }), {
      buildpacks: [pack],
      signal: controller.signal,
      output: (line) => {
        if (line.includes('compiling for a long time')) controller.abort();
      },
    });
    const run = await building;
    assert.equal(run.error?.failure, 'cancelled');
    const pid = Number(await readFile(pidFile, 'utf8'));
    await waitGone(pid);
  });

  it('stops a compile that runs past the timeout and says so', async () => {
    const pack = await bp({ compile: 'echo "       starting"; sleep 300' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack], timeoutMs: 300 });
    assert.equal(run.error?.failure, 'timed_out');
    assert.match(run.output, / ! {5}Build timed out after \d+ (ms|seconds?)\./);
  });

  it('fails when bin/release declares a process type Heroku would not accept', async () => {
    const pack = await bp({ detect: 'echo Odd', release: 'printf -- "default_process_types:\n  web.1: x\n"' });
    const run = await h.build(await app({ 'Procfile': 'worker: x\n' }), { buildpacks: [pack] });
    assert.equal(run.error?.failure, 'release_failed');
    assert.match(run.output, /declared an invalid process type "web\.1"/);
  });

  it('fails when bin/release prints something that is not the expected YAML', async () => {
    const pack = await bp({ detect: 'echo Odd', release: 'echo "default_process_types: [web]"' });
    const run = await h.build(await app({ 'Procfile': 'web: x\n' }), { buildpacks: [pack] });
    assert.equal(run.error?.failure, 'release_failed');
    assert.match(run.output, /bin\/release of .* printed invalid YAML \(line 1: default_process_types must be a map/);
  });
});

async function waitGone(pid: number): Promise<void> {
  await waitFor(`process ${pid} to be gone after the build was cancelled`, () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}
