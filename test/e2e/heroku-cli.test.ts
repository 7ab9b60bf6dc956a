import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { api, testEnv } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';

/**
 * The official `heroku` CLI (devDependency heroku@11.10.0) against a real `bin/berth up`, set up
 * the way the banner tells a user to, plus what keeps it off the network and out of the real home:
 *   DISABLE_TELEMETRY=true              no herokulytics / OTLP / Sentry to backboard.heroku.com
 *   HEROKU_PARTICLEBOARD_URL            the delinquency check goes to Berth, not particleboard.heroku.com
 *   HEROKU_DISABLE_AUTOUPDATE=true      @oclif/plugin-update otherwise spawns a detached `heroku update
 *                                       --autoupdate` on the first run in a fresh cache dir
 *   HEROKU_SKIP_NEW_VERSION_CHECK=true  @oclif/plugin-warn-if-update-available otherwise forks a
 *                                       registry.npmjs.org lookup
 *   HOME, XDG_*                         a temp dir: the CLI's cache and `git config --global`
 *                                       credential helper never touch the real ones
 */

const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');
const CLI_TIMEOUT_MS = 60_000;
const execFileAsync = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with argv, closes its stdin, records its wall time as a test diagnostic. */
function run(t: TestContext, file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; label?: string }): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env, cwd: options.cwd, timeout: CLI_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Math.round(performance.now() - started);
      const code = error ? error.code : 0;
      t.diagnostic(`${options.label ?? file} ${args.join(' ')}: exit ${String(code ?? error?.signal)}, ${ms} ms`);
      if (typeof code !== 'number') {
        reject(new Error(`${file} ${args.join(' ')} did not exit normally (${error?.message})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** oclif wraps messages to the terminal width and prefixes them with `›`: one line, single spaces. */
function flat(text: string): string {
  return text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();
}

function describeResult(r: CliResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

describe('the official heroku CLI against bin/berth up', () => {
  const berth = useBerth();
  let home: string;
  let repo: string;
  let userKey: string;
  let gitHost: string;
  let routerPort: number;

  const USER_EMAIL = 'smoke@example.test';
  const USER_PASSWORD = 'smoke-test-password-1';

  function herokuEnv(apiKey: string): NodeJS.ProcessEnv {
    const base = testEnv();
    for (const name of Object.keys(base)) if (name.startsWith('HEROKU_')) delete base[name];
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_GLOBAL']) delete base[name];
    const apiUrl = `http://localhost:${berth.runtime.api_port}`;
    return {
      ...base,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      HEROKU_HOST: apiUrl,
      HEROKU_API_KEY: apiKey,
      HEROKU_GIT_HOST: gitHost,
      HEROKU_PARTICLEBOARD_URL: apiUrl,
      DISABLE_TELEMETRY: 'true',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HEROKU_DISABLE_AUTOUPDATE: 'true',
      CI: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
  }

  const heroku = (t: TestContext, args: string[], apiKey = userKey) =>
    run(t, HEROKU, args, { env: herokuEnv(apiKey), cwd: repo, label: 'heroku' });

  const git = (t: TestContext, args: string[]) => run(t, 'git', args, { env: herokuEnv(userKey), cwd: repo, label: 'git' });

  before(async () => {
    gitHost = `localhost:${berth.runtime.api_tls_port}`;
    routerPort = berth.runtime.router_port;
    home = await berth.tempDir('heroku-cli');
    repo = join(home, 'smoke-app');
    await mkdir(repo);
    await execFileAsync('git', ['init', '--quiet'], { cwd: repo, env: testEnv({ HOME: home }) });

    ({ key: userKey } = await berth.createAccount(USER_EMAIL, USER_PASSWORD));
  });

  it('heroku auth:whoami prints the email of the account behind HEROKU_API_KEY', async (t) => {
    const asUser = await heroku(t, ['auth:whoami']);
    assert.equal(asUser.code, 0, describeResult(asUser));
    assert.equal(asUser.stdout, `${USER_EMAIL}\n`);

    const asAdmin = await heroku(t, ['auth:whoami'], berth.adminKey);
    assert.equal(asAdmin.code, 0, describeResult(asAdmin));
    assert.equal(asAdmin.stdout, 'admin@localhost\n');
  });

  it('heroku apps:create creates the app, prints its web and git URLs and adds a heroku git remote', async (t) => {
    const created = await heroku(t, ['apps:create', 'smoke-app']);
    assert.equal(created.code, 0, describeResult(created));
    assert.ok(
      created.stdout.split('\n').includes(`http://smoke-app.localhost:${routerPort}/ | https://${gitHost}/smoke-app.git`),
      describeResult(created),
    );
    assert.match(flat(created.stderr), /Creating smoke-app\.\.\. done/);

    const app = await api(berth, '/apps/smoke-app');
    assert.equal(app.status, 200);
    assert.equal(app.body.owner.email, USER_EMAIL);
    assert.equal(app.body.git_url, `https://${gitHost}/smoke-app.git`);

    const remote = await git(t, ['remote', 'get-url', 'heroku']);
    assert.equal(remote.stdout.trim(), `https://${gitHost}/smoke-app.git`);
  });

  it('heroku apps lists the new app under the user\'s email', async (t) => {
    const listed = await heroku(t, ['apps']);
    assert.equal(listed.code, 0, describeResult(listed));
    const lines = listed.stdout.split('\n').map((line) => line.trim());
    assert.ok(lines.includes(`=== ${USER_EMAIL} Apps`), describeResult(listed));
    assert.ok(lines.includes('smoke-app (local)'), describeResult(listed));
  });

  it(
    'heroku apps:info -a smoke-app shows the name, owner, git URL, web URL, region and stack',
    async (t) => {
      const info = await heroku(t, ['apps:info', '-a', 'smoke-app']);
      assert.equal(info.code, 0, describeResult(info));
      const out = info.stdout;
      assert.match(out, /^=== smoke-app$/m);
      assert.match(out, new RegExp(`^Git URL: +https://${gitHost}/smoke-app\\.git$`, 'm'));
      assert.match(out, new RegExp(`^Web URL: +http://smoke-app\\.localhost:${routerPort}/$`, 'm'));
      assert.match(out, /^Owner: +smoke@example\.test$/m);
      assert.match(out, /^Region: +local$/m);
      assert.match(out, /^Stack: +berth-24$/m);
    },
  );

  it('heroku addons:create, addons, addons:info and addons:destroy drive a real Postgres add-on', async (t) => {
    const created = await heroku(t, ['addons:create', 'heroku-postgresql:essential-0', '-a', 'smoke-app']);
    assert.equal(created.code, 0, describeResult(created));
    const name = /Created (postgresql-[a-z]+-\d{5}) as DATABASE_URL/.exec(created.stdout)?.[1];
    assert.ok(name, describeResult(created));
    const config = await api(berth, '/apps/smoke-app/config-vars');
    assert.match(String(config.body.DATABASE_URL), /^postgres(ql)?:\/\//);

    const listed = await heroku(t, ['addons', '-a', 'smoke-app']);
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(listed.stdout, new RegExp(`heroku-postgresql \\(${name}\\)\\s+essential-0\\s+.*created`));
    assert.match(listed.stdout, /as DATABASE/);

    const info = await heroku(t, ['addons:info', 'DATABASE', '-a', 'smoke-app']);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /Attachments:\s+smoke-app::DATABASE/);

    const destroyed = await heroku(t, ['addons:destroy', name, '-a', 'smoke-app', '--confirm', 'smoke-app']);
    assert.equal(destroyed.code, 0, describeResult(destroyed));
    assert.match(flat(destroyed.stderr), new RegExp(`Destroying ${name} on .*smoke-app\\.\\.\\. done`));
    assert.equal((await api(berth, '/apps/smoke-app/config-vars')).body.DATABASE_URL, undefined);
  });

  it('heroku apps:rename renames the app: the API answers to the new name, the old one is gone', async (t) => {
    const renamed = await heroku(t, ['apps:rename', 'smoke-renamed', '-a', 'smoke-app']);
    assert.equal(renamed.code, 0, describeResult(renamed));
    assert.ok(
      renamed.stdout.split('\n').includes(`http://smoke-renamed.localhost:${routerPort}/ | https://${gitHost}/smoke-renamed.git`),
      describeResult(renamed),
    );
    assert.match(flat(renamed.stderr), /Renaming smoke-app to smoke-renamed\.\.\. done/);

    const now = await api(berth, '/apps/smoke-renamed');
    assert.equal(now.status, 200);
    assert.equal(now.body.name, 'smoke-renamed');
    assert.equal(now.body.git_url, `https://${gitHost}/smoke-renamed.git`);
    const old = await api(berth, '/apps/smoke-app');
    assert.equal(old.status, 404);
    assert.equal(old.body.id, 'not_found');

    const remote = await git(t, ['remote', 'get-url', 'heroku']);
    assert.equal(remote.stdout.trim(), `https://${gitHost}/smoke-renamed.git`);
  });

  it('heroku apps:destroy --confirm deletes the app and removes its git remote', async (t) => {
    const destroyed = await heroku(t, ['apps:destroy', '-a', 'smoke-renamed', '--confirm', 'smoke-renamed']);
    assert.equal(destroyed.code, 0, describeResult(destroyed));
    assert.match(flat(destroyed.stderr), /Destroying smoke-renamed \(including all add-ons\)\.\.\. done/);

    const gone = await api(berth, '/apps/smoke-renamed');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.id, 'not_found');

    const remotes = await git(t, ['remote']);
    assert.equal(remotes.stdout, '');
  });

  it('an invalid HEROKU_API_KEY makes heroku exit non-zero and say the token is invalid', async (t) => {
    const listed = await heroku(t, ['apps'], 'not-a-berth-key');
    assert.notEqual(listed.code, 0, describeResult(listed));
    assert.equal(listed.stdout, '');
    assert.match(flat(listed.stderr), /The token provided to HEROKU_API_KEY is invalid\./);

    const whoami = await heroku(t, ['auth:whoami'], 'not-a-berth-key');
    assert.notEqual(whoami.code, 0, describeResult(whoami));
    assert.equal(whoami.stdout, '');
    assert.match(flat(whoami.stderr), /Invalid credentials provided: the API key is unknown, expired or revoked\. Error ID: unauthorized/);
  });

  it('heroku apps:create with a taken name exits non-zero with Berth\'s conflict message', async (t) => {
    const taken = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: 'smoke-taken' }) });
    assert.equal(taken.status, 201);

    const created = await heroku(t, ['apps:create', 'smoke-taken', '--no-remote']);
    assert.notEqual(created.code, 0, describeResult(created));
    assert.match(flat(created.stderr), /Name smoke-taken is already taken\. Choose another name\. Error ID: conflict/);
    const app = await api(berth, '/apps/smoke-taken');
    assert.equal(app.body.owner.email, 'admin@localhost');
  });
});
