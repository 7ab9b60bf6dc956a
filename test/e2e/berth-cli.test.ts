import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { api, testEnv } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';

/** The `berth` CLI as the README has a user drive it, against a real `bin/berth up`. */

const BERTH = join(repoRoot(), 'bin', 'berth');
const CLI_TIMEOUT_MS = 60_000;
const execFileAsync = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with argv, feeds `input` (or nothing) on stdin, records its wall time as a test diagnostic. */
function run(t: TestContext, file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; label?: string }): Promise<CliResult> {
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
    child.stdin?.end(options.input ?? '');
  });
}

function describeResult(r: CliResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

describe('the berth CLI against bin/berth up, as the README walks a user through it', () => {
  const berth = useBerth();
  let home: string;
  let repo: string;
  let apiUrl: string;
  let gitHost: string;
  let routerPort: number;
  let password: string;
  let savedToken: string;

  const EMAIL = 'dev@example.test';
  const credentialsFile = () => join(home, '.config', 'berth', 'credentials.json');

  /** A clean environment with a temp HOME: no BERTH_* from the caller, only `extra`. */
  function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const base = testEnv();
    for (const name of Object.keys(base)) if (name.startsWith('BERTH_')) delete base[name];
    // GIT_SSL_CAINFO (set on some CI machines) would override the CA that login sets up for the git host.
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_GLOBAL', 'GIT_SSL_CAINFO']) delete base[name];
    return { ...base, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1', ...extra };
  }

  /** `bin/berth ARGS` in the app's repository; `env` defaults to the banner's BERTH_API_URL without a key. */
  const berthCli = (t: TestContext, args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
    run(t, BERTH, args, {
      env: cliEnv(options.env ?? { BERTH_API_URL: apiUrl }),
      cwd: repo,
      label: 'berth',
      ...(options.input === undefined ? {} : { input: options.input }),
    });

  const remoteUrls = async () => (await execFileAsync('git', ['remote', '-v'], { cwd: repo, env: cliEnv() })).stdout;

  before(async () => {
    apiUrl = `http://localhost:${berth.runtime.api_port}`;
    gitHost = `localhost:${berth.runtime.api_tls_port}`;
    routerPort = berth.runtime.router_port;
    home = await berth.tempDir('berth-cli');
    repo = join(home, 'my-app');
    await mkdir(repo);
    await execFileAsync('git', ['init', '--quiet'], { cwd: repo, env: cliEnv() });
  });

  it('accounts:create with the admin key from the banner creates the account and prints its generated password once', async (t) => {
    const created = await berthCli(t, ['accounts:create', EMAIL], { env: { BERTH_API_URL: apiUrl, BERTH_API_KEY: berth.adminKey } });
    assert.equal(created.code, 0, describeResult(created));
    const escapedUrl = apiUrl.replace(/[.]/g, '\\.');
    const match = new RegExp(
      `^Created account dev@example\\.test\\n` +
        `Password: (\\S+)  \\(shown only this once: hand it over safely\\)\\n` +
        `They log in with: berth login --api-url ${escapedUrl} --email dev@example\\.test\\n$`,
    ).exec(created.stdout);
    assert.ok(match, describeResult(created));
    password = match[1] as string;
    assert.equal(created.stderr, '');
  });

  it('login --password-stdin trades the password for a key and saves it in a 0600 credentials file', async (t) => {
    const loggedIn = await berthCli(t, ['login', '--email', EMAIL, '--password-stdin'], { input: `${password}\n` });
    assert.equal(loggedIn.code, 0, describeResult(loggedIn));
    assert.equal(loggedIn.stdout, `Logged in as ${EMAIL}\ngit: https://${gitHost}/ uses this login and trusts its CA (\`git push berth main\` needs nothing else)\n`);
    assert.equal(loggedIn.stderr, '');

    assert.equal((await stat(credentialsFile())).mode & 0o777, 0o600);
    const saved = JSON.parse(await readFile(credentialsFile(), 'utf8')) as Record<string, { email: string; token: string; authorization_id: string }>;
    assert.deepEqual(Object.keys(saved), [apiUrl]);
    const entry = saved[apiUrl];
    assert.ok(entry);
    assert.equal(entry.email, EMAIL);
    savedToken = entry.token;
    const account = await api(berth, '/account', { key: savedToken });
    assert.equal(account.status, 200);
    assert.equal(account.body.email, EMAIL);
    const authorization = await api(berth, `/oauth/authorizations/${entry.authorization_id}`, { key: savedToken });
    assert.equal(authorization.status, 200);
  });

  it('auth:whoami prints the logged-in email, with BERTH_API_URL set or from the saved login alone', async (t) => {
    const withUrl = await berthCli(t, ['auth:whoami']);
    assert.equal(withUrl.code, 0, describeResult(withUrl));
    assert.equal(withUrl.stdout, `${EMAIL}\n`);

    const savedOnly = await berthCli(t, ['auth:whoami'], { env: {} });
    assert.equal(savedOnly.code, 0, describeResult(savedOnly));
    assert.equal(savedOnly.stdout, `${EMAIL}\n`);
  });

  it('apps:create in a git repository creates the app and adds a berth remote with its git URL', async (t) => {
    const created = await berthCli(t, ['apps:create', 'cli-app']);
    assert.equal(created.code, 0, describeResult(created));
    assert.equal(
      created.stdout,
      `Creating cli-app... done\n` +
        `http://cli-app.localhost:${routerPort}/ | https://${gitHost}/cli-app.git\n` +
        `Git remote berth added: https://${gitHost}/cli-app.git\n`,
    );
    assert.equal(
      await remoteUrls(),
      `berth\thttps://${gitHost}/cli-app.git (fetch)\nberth\thttps://${gitHost}/cli-app.git (push)\n`,
    );
    const app = await api(berth, '/apps/cli-app');
    assert.equal(app.status, 200);
    assert.equal(app.body.owner.email, EMAIL);
  });

  it('git push berth main deploys with nothing but the login: no exported variable, no git option', async (t) => {
    await cp(join(repoRoot(), 'test', 'fixtures', 'apps', 'procfile-web'), repo, { recursive: true });
    const gitEnv = cliEnv({ GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' });
    for (const args of [['add', '--all'], ['commit', '--quiet', '-m', 'first'], ['branch', '-M', 'main']]) await execFileAsync('git', args, { cwd: repo, env: gitEnv });
    const pushed = await run(t, 'git', ['push', 'berth', 'main'], { env: gitEnv, cwd: repo, label: 'git' });
    assert.equal(pushed.code, 0, describeResult(pushed));
    assert.match(pushed.stderr, /Released v\d+/);
  });

  it('berth run reaches the one-off dyno through the rendezvous, trusting the CA saved at login', async (t) => {
    const ran = await berthCli(t, ['run', '--no-tty', 'echo', 'hello-from-run']);
    assert.equal(ran.code, 0, describeResult(ran));
    assert.match(ran.stdout, /hello-from-run/);
  });

  it('apps:info finds the app from the berth remote and prints its details', async (t) => {
    const info = await berthCli(t, ['apps:info']);
    assert.equal(info.code, 0, describeResult(info));
    const app = await api(berth, '/apps/cli-app');
    assert.equal(
      info.stdout,
      [
        '=== cli-app',
        'Name:         cli-app',
        `Owner:        ${EMAIL}`,
        'Region:       local',
        'Stack:        berth-24',
        `Git URL:      https://${gitHost}/cli-app.git`,
        `Web URL:      http://cli-app.localhost:${routerPort}/`,
        'Maintenance:  off',
        `Created:      ${app.body.created_at as string}`,
        '',
      ].join('\n'),
    );
  });

  it('apps --json lists the app with its owner and URLs', async (t) => {
    const listed = await berthCli(t, ['apps', '--json']);
    assert.equal(listed.code, 0, describeResult(listed));
    const apps = JSON.parse(listed.stdout) as { name: string; owner: { email: string }; git_url: string; web_url: string }[];
    assert.deepEqual(
      apps.map((a) => [a.name, a.owner.email, a.git_url, a.web_url]),
      [['cli-app', EMAIL, `https://${gitHost}/cli-app.git`, `http://cli-app.localhost:${routerPort}/`]],
    );
  });

  it('apps:rename renames the app and repoints the berth remote', async (t) => {
    const renamed = await berthCli(t, ['apps:rename', 'cli-app-2']);
    assert.equal(renamed.code, 0, describeResult(renamed));
    assert.equal(
      renamed.stdout,
      `Renaming cli-app to cli-app-2... done\n` +
        `http://cli-app-2.localhost:${routerPort}/ | https://${gitHost}/cli-app-2.git\n` +
        `Git remote berth updated: https://${gitHost}/cli-app-2.git\n`,
    );
    assert.equal(renamed.stderr, 'Other clones of the app keep the old remote URL: update them with `berth git:remote`.\n');
    assert.equal(
      await remoteUrls(),
      `berth\thttps://${gitHost}/cli-app-2.git (fetch)\nberth\thttps://${gitHost}/cli-app-2.git (push)\n`,
    );
    assert.equal((await api(berth, '/apps/cli-app-2')).status, 200);
    assert.equal((await api(berth, '/apps/cli-app')).status, 404);
  });

  it('apps:destroy --confirm destroys the app and removes the berth remote', async (t) => {
    const destroyed = await berthCli(t, ['apps:destroy', '--confirm', 'cli-app-2']);
    assert.equal(destroyed.code, 0, describeResult(destroyed));
    assert.equal(destroyed.stdout, 'Destroying cli-app-2... done\nGit remote berth removed\n');
    assert.equal(await remoteUrls(), '');
    const gone = await api(berth, '/apps/cli-app-2');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.id, 'not_found');
  });

  it('logout revokes the saved key on the server and forgets it', async (t) => {
    const loggedOut = await berthCli(t, ['logout']);
    assert.equal(loggedOut.code, 0, describeResult(loggedOut));
    assert.equal(loggedOut.stdout, `Logged out\ngit: removed the credential helper and CA for https://${gitHost}/\n`);
    const helpers = await execFileAsync('git', ['config', '--global', '--get-all', `credential.https://${gitHost}/.helper`], { cwd: repo, env: cliEnv() }).catch((err: { code: number }) => err);
    assert.equal((helpers as { code?: number }).code, 1, 'no helper left for the git host');
    assert.deepEqual(JSON.parse(await readFile(credentialsFile(), 'utf8')), {});
    const revoked = await api(berth, '/account', { key: savedToken });
    assert.equal(revoked.status, 401);
  });

  it('auth:whoami after logout exits 1 with a hint to log in', async (t) => {
    const whoami = await berthCli(t, ['auth:whoami']);
    assert.equal(whoami.code, 1, describeResult(whoami));
    assert.equal(whoami.stdout, '');
    assert.equal(whoami.stderr, `Error: Not logged in to ${apiUrl}.\nRun \`berth login\`, or set BERTH_API_KEY.\n`);
  });

  it('login to the https API needs --ca-file once; later commands over https trust the saved CA with nothing exported', async (t) => {
    const tlsUrl = `https://localhost:${berth.runtime.api_tls_port}`;
    const untrusted = await berthCli(t, ['login', '--api-url', tlsUrl, '--email', EMAIL, '--password-stdin'], { env: {}, input: `${password}\n` });
    assert.equal(untrusted.code, 1, describeResult(untrusted));
    assert.match(untrusted.stderr, /Cannot verify the TLS certificate of https:\/\/localhost:\d+ \(\w+\): log in with `berth login --ca-file FILE`/);

    const loggedIn = await berthCli(t, ['login', '--api-url', tlsUrl, '--ca-file', berth.runtime.ca_cert, '--email', EMAIL, '--password-stdin'], { env: {}, input: `${password}\n` });
    assert.equal(loggedIn.code, 0, describeResult(loggedIn));
    const whoami = await berthCli(t, ['auth:whoami'], { env: {} });
    assert.equal(whoami.code, 0, describeResult(whoami));
    assert.equal(whoami.stdout, `${EMAIL}\n`);
    const loggedOut = await berthCli(t, ['logout'], { env: {} });
    assert.equal(loggedOut.code, 0, describeResult(loggedOut));
  });

  it('a wrong BERTH_API_KEY exits 1 with the API\'s message and the unauthorized hint', async (t) => {
    const whoami = await berthCli(t, ['auth:whoami'], { env: { BERTH_API_URL: apiUrl, BERTH_API_KEY: 'not-a-berth-key' } });
    assert.equal(whoami.code, 1, describeResult(whoami));
    assert.equal(whoami.stdout, '');
    assert.equal(
      whoami.stderr,
      'Error: Invalid credentials provided: the API key is unknown, expired or revoked.\n' +
        'Log in again with `berth login`, or check BERTH_API_KEY.\n',
    );
  });
});
