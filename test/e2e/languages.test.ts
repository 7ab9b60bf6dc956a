/**
 * Apps in each built-in language pushed to one Berth whose build dynos reach PyPI, the Go module
 * proxy and Maven Central (`--outbound on`): a Flask app from PyPI, a Go module with one
 * dependency, a plain Maven jar, a Rack app with vendored gems and a Composer app all serve through
 * the router with their buildpack's web default or Procfile; a dependency that does not exist and
 * a Python version the stack lacks reject the push with pip's own error and the available version.
 * The versions asserted are those of the dyno root this Berth uses (the berth-24 images by
 * default, the host's /usr with BERTH_DYNO_ROOT=host), read from its files.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git, pushRepo } from '../support/git-push.js';
import { dynoRoots, javaFeatureVersion, pythonVersion } from '../support/dyno-root.js';
import { useBerth } from '../support/e2e-harness.js';
import { routerGet } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

// A cold build downloads and compiles everything (the Go standard library included) on a shared machine.
const PUSH_TIMEOUT_MS = 600_000;

describe('apps in each language pushed to one Berth', () => {
  const berth = useBerth({ args: ['--outbound', 'on'] });
  /** The root's Python ("3.N"), JDK in build dynos and java in run dynos. */
  let python = '';
  let jdk = 0;
  let jre = 0;
  before(async () => {
    const roots = await dynoRoots();
    python = await pythonVersion(roots.build);
    assert.equal(await pythonVersion(roots.run), python, 'build and run dynos have one Python');
    jdk = await javaFeatureVersion(roots.build, 'javac');
    jre = await javaFeatureVersion(roots.run, 'java');
  });
  const escaped = (version: string) => version.replace(/\./g, '\\.');

  /** Creates an app, commits the fixture (changed by `files`) and pushes it; returns the push. */
  async function push(prefix: string, fixture: string, files: Record<string, string> = {}): Promise<{ app: string; code: number | null; output: string }> {
    const app = await berth.createApp(prefix);
    const repo = await berth.repo(app, fixture);
    for (const [path, text] of Object.entries(files)) await writeFile(join(repo.dir, path), text);
    await git(repo.dir, ['add', '--all']);
    await git(repo.dir, ['commit', '--quiet', '-m', 'app']);
    const pushed = await pushRepo(berth, repo.dir, app, PUSH_TIMEOUT_MS);
    return { app, code: pushed.code, output: pushed.stdout + pushed.stderr };
  }

  const serves = (app: string, body: RegExp) =>
    waitFor(`${app} to answer through the router`, async () => {
      const reply = await routerGet(berth, app, '/');
      return reply.status === 200 && body.test(reply.body) ? reply : undefined;
    }, 60_000, 200);

  it('builds a Flask app with pip from PyPI into a virtualenv and serves it with gunicorn from its Procfile', async () => {
    const { app, code, output } = await push('flask', 'python-flask', { '.python-version': `${python}\n` });
    assert.equal(code, 0, output);
    assert.match(output, /remote: -----> Python app detected/);
    assert.match(output, new RegExp(`remote: -----> Using Python ${escaped(python)}\\.\\d+ \\(the stack's; \\.python-version asks for ${escaped(python)}\\)`));
    assert.match(output, /remote: -----> Installing requirements with pip/);
    assert.match(output, /remote: {8}Successfully installed .*flask-3\.0\.3.*gunicorn-22\.0\.0/i);
    assert.match(output, /remote: {8}Procfile declares types {5}-> web/);
    const reply = await serves(app, /python-flask ok/);
    assert.equal(reply.body, `python-flask ok: Flask 3.0.3 on Python ${python}\n`);
  });

  it('builds a Go module with a dependency from the module proxy and serves the binary named after the module', async () => {
    const { app, code, output } = await push('goweb', 'go-web');
    assert.equal(code, 0, output);
    assert.match(output, /remote: -----> Go app detected/);
    assert.match(output, /remote: -----> Using go1\.\d+\.\d+ \(the stack's; go\.mod asks for go 1\.22\)/);
    assert.match(output, /remote: {8}golang\.org\/x\/text\/cases/);
    assert.match(output, /remote: {8}Installed to bin\/: go-web/);
    assert.match(output, /remote: {8}Default types for buildpack -> web/);
    const reply = await serves(app, /Go Web Ok/);
    assert.match(reply.body, /^Go Web Ok: built with go1\.\d+\.\d+\n$/);
  });

  it('rejects a Python app whose requirement does not exist on PyPI, showing pip\'s own error', async () => {
    const { code, output } = await push('nodep', 'python-flask', { 'requirements.txt': 'flask==3.0.3\nberth-no-such-package-e2e==1.0\n' });
    assert.notEqual(code, 0, output);
    assert.match(output, /remote: {8}ERROR: Could not find a version that satisfies the requirement berth-no-such-package-e2e==1\.0/);
    assert.match(output, /remote: {2}! {5}Error: Unable to install dependencies using pip\. The error is above\./);
    assert.match(output, /remote: {2}! {5}Push rejected, failed to compile Python app\./);
  });

  it('rejects a Python app asking for a version the stack lacks, naming the one it has', async () => {
    const { code, output } = await push('oldpy', 'python-flask', { '.python-version': '3.8\n' });
    assert.notEqual(code, 0, output);
    assert.match(output, /remote: {2}! {5}\.python-version asks for Python 3\.8, which this stack does not have\./);
    assert.notEqual(python, '3.8', 'the version asked for is one this root lacks');
    assert.match(output, new RegExp(`remote: {2}! {5}This stack has Python ${escaped(python)}\\.\\d+ only`));
    assert.doesNotMatch(output, /Installing requirements/);
  });

  it('builds a plain Maven jar with the stack\'s JDK and serves it with the java -jar web default', async () => {
    const { app, code, output } = await push('java', 'java-maven');
    assert.equal(code, 0, output);
    assert.match(output, /remote: -----> Java app detected/);
    assert.match(output, new RegExp(`remote: -----> Using OpenJDK ${jdk}\\.\\d+\\.\\d+ \\(the stack's default;`));
    assert.match(output, /remote: {8}\[INFO\] BUILD SUCCESS/);
    assert.match(output, /remote: {8}Default types for buildpack -> web/);
    const reply = await serves(app, /java-maven ok/);
    assert.equal(jre, jdk, 'run dynos have the JDK the build used');
    assert.equal(reply.body, `java-maven ok: Java ${jdk}\n`);
  });

  it('builds a Sinatra app from its vendored gems in deployment mode, runs its assets:precompile, and serves it with rackup', async () => {
    const { app, code, output } = await push('ruby', 'ruby-sinatra');
    assert.equal(code, 0, output);
    assert.match(output, /remote: -----> Ruby app detected/);
    assert.match(output, /remote: {8}Installing rack 2\.2\.22/);
    assert.match(output, /remote: {8}Installing sinatra 3\.0\.5/);
    assert.match(output, /remote: {8}Default types for buildpack -> web, rake, console/);
    assert.match(output, /remote: {8}Running: rake assets:precompile/);
    const reply = await serves(app, /ruby-sinatra ok/);
    assert.match(reply.body, /^ruby-sinatra ok: Ruby 3\.\d+\.\d+, Rack 2\.2\.22, Sinatra 3\.0\.5\n$/);
    const css = await routerGet(berth, app, '/assets/app.css');
    assert.equal(css.body, 'body { color: #123456; } /* compiled for production */\n', 'the asset compiled at build time is in the slug');
  });

  it('builds a Composer app from its lockfile and serves public/ with PHP\'s built-in server', async () => {
    const { app, code, output } = await push('php', 'php-composer');
    assert.equal(code, 0, output);
    assert.match(output, /remote: -----> PHP app detected/);
    assert.match(output, /remote: {10}- Installing berth\/greeting \(1\.0\.0\)/);
    assert.match(output, /remote: {8}Default types for buildpack -> web/);
    const reply = await serves(app, /php-composer ok/);
    assert.match(reply.body, /^php-composer ok: PHP 8\.\d+, berth\/greeting 1\.0\.0\n$/);
  });
});
