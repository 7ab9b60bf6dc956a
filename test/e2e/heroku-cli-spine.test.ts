import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { api, testEnv } from '../support/berth-process.js';
import { suffix, useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { createApp, dynos, routerGet, waitForDynos, waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/**
 * The spine driven by the official `heroku` CLI (devDependency heroku@11.10.0), as a user would
 * after `berth up`: git push through the remote and credential helper the CLI sets up, config,
 * releases and rollback, ps, logs (SSE) and tail, run over the TLS rendezvous, maintenance.
 * The CLI is kept offline and out of the real home as in heroku-cli.test.ts.
 */

const BIN = join(repoRoot(), 'node_modules', '.bin');
const HEROKU = join(BIN, 'heroku');
const CLI_TIMEOUT_MS = 60_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with argv, closes its stdin, records its wall time as a test diagnostic. */
function run(t: TestContext, file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; label: string }): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env, cwd: options.cwd, timeout: CLI_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      t.diagnostic(`${options.label} ${args.join(' ')}: exit ${String(code ?? error?.signal)}, ${Math.round(performance.now() - started)} ms`);
      if (typeof code !== 'number') {
        reject(new Error(`${options.label} ${args.join(' ')} did not exit normally (${error?.message})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** oclif wraps messages to the terminal width and prefixes them with `›`: one line, single spaces. */
const flat = (text: string) => text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();
const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the official heroku CLI drives the spine: push, config, releases, ps, logs, run, maintenance', () => {
  const berth = useBerth();
  let home: string;
  let repo: string;
  let userKey: string;
  const app = `hk-spine-${suffix()}`;
  const EMAIL = `spine-${suffix()}@example.test`;
  const PASSWORD = 'spine-test-password-1';

  function herokuEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const base = testEnv();
    for (const name of Object.keys(base)) if (name.startsWith('HEROKU_') || name.startsWith('GIT_')) delete base[name];
    const apiUrl = `http://localhost:${berth.runtime.api_port}`;
    return {
      ...base,
      // The credential helper the CLI installs is `!heroku git:credentials`: git finds it on PATH.
      PATH: `${BIN}:${base.PATH ?? '/usr/bin:/bin'}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      HEROKU_HOST: apiUrl,
      HEROKU_API_KEY: userKey,
      HEROKU_GIT_HOST: `localhost:${berth.runtime.api_tls_port}`,
      HEROKU_PARTICLEBOARD_URL: apiUrl,
      DISABLE_TELEMETRY: 'true',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HEROKU_DISABLE_AUTOUPDATE: 'true',
      CI: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      GIT_SSL_CAINFO: berth.runtime.ca_cert,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Spine Test',
      GIT_AUTHOR_EMAIL: EMAIL,
      GIT_COMMITTER_NAME: 'Spine Test',
      GIT_COMMITTER_EMAIL: EMAIL,
      ...extra,
    };
  }

  const heroku = (t: TestContext, args: string[], extra: Record<string, string> = {}) =>
    run(t, HEROKU, args, { env: herokuEnv(extra), cwd: repo, label: 'heroku' });
  const git = (t: TestContext, args: string[]) => run(t, 'git', args, { env: herokuEnv(), cwd: repo, label: 'git' });
  /** `heroku run` verifies the rendezvous certificate: it is from Berth's local CA. */
  const trustCa = () => ({ NODE_EXTRA_CA_CERTS: berth.runtime.ca_cert });
  const webUp = (count: number) => (list: Awaited<ReturnType<typeof dynos>>) => list.filter((d) => d.type === 'web' && d.state === 'up').length === count && list.filter((d) => d.type === 'web').length === count;

  before(async () => {
    home = await berth.tempDir('heroku-spine');
    repo = join(home, 'app');
    await cp(join(repoRoot(), 'test', 'fixtures', 'apps', 'procfile-web'), repo, { recursive: true });
    ({ key: userKey } = await berth.createAccount(EMAIL, PASSWORD));
    await createApp(berth, app, userKey);
  });

  it('git push heroku main, through the remote and credential helper the CLI set up, builds, releases v2 and serves the app; git:clone fetches it back', async (t) => {
    for (const args of [['init', '--quiet', '--initial-branch', 'main'], ['add', '--all'], ['commit', '--quiet', '-m', 'procfile-web']]) {
      const step = await git(t, args);
      assert.equal(step.code, 0, show(step));
    }
    const remote = await heroku(t, ['git:remote', '-a', app]);
    assert.equal(remote.code, 0, show(remote));
    const gitUrl = `https://localhost:${berth.runtime.api_tls_port}/${app}.git`;
    assert.match(flat(remote.stdout + remote.stderr), new RegExp(`set git remote heroku to ${escape(gitUrl)}`));
    assert.equal((await git(t, ['remote', 'get-url', 'heroku'])).stdout.trim(), gitUrl);

    // Every heroku command installs `heroku git:credentials` for the git host in the global config (HOME).
    const helper = await git(t, ['config', '--global', '--get', `credential.https://localhost:${berth.runtime.api_tls_port}.helper`]);
    assert.equal(helper.stdout.trim(), '!heroku git:credentials');

    // No extra header, no .netrc: the helper answers git with the token from HEROKU_API_KEY.
    const pushed = await git(t, ['push', 'heroku', 'main']);
    assert.equal(pushed.code, 0, show(pushed));
    assert.match(pushed.stderr, /remote: -----> Procfile app detected/);
    assert.match(pushed.stderr, /remote: {8}Released v2/);
    assert.match(pushed.stderr, /remote: Verifying deploy\.\.\. done\./);
    assert.match(pushed.stderr, /\* \[new branch\] +main -> main/);

    const reply = await routerGet(berth, app, '/pushed');
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.body, 'procfile-web ok /pushed\n');

    // heroku git:clone fetches what was pushed, with the remote named heroku.
    const clone = join(home, 'clone');
    const cloned = await heroku(t, ['git:clone', '-a', app, clone]);
    assert.equal(cloned.code, 0, show(cloned));
    const head = (await git(t, ['rev-parse', 'HEAD'])).stdout.trim();
    assert.equal((await git(t, ['-C', clone, 'rev-parse', 'HEAD'])).stdout.trim(), head);
    assert.equal((await git(t, ['-C', clone, 'remote', 'get-url', 'heroku'])).stdout.trim(), gitUrl);
  });

  it('heroku config:set, config:get, config and config:unset set, read, list and remove GREETING, each a new release', async (t) => {
    const set = await heroku(t, ['config:set', 'GREETING=hi', '-a', app]);
    assert.equal(set.code, 0, show(set));
    assert.match(flat(set.stderr), new RegExp(`Setting GREETING and restarting ${app}\\.\\.\\. done, v3`));
    assert.match(set.stdout, /^GREETING: hi$/m);

    const get = await heroku(t, ['config:get', 'GREETING', '-a', app]);
    assert.equal(get.code, 0, show(get));
    assert.equal(get.stdout, 'hi\n');

    const list = await heroku(t, ['config', '-a', app]);
    assert.equal(list.code, 0, show(list));
    assert.match(list.stdout, new RegExp(`^=== ${app} Config Vars$`, 'm'));
    assert.match(list.stdout, /^GREETING: hi$/m);

    const unset = await heroku(t, ['config:unset', 'GREETING', '-a', app]);
    assert.equal(unset.code, 0, show(unset));
    assert.match(flat(unset.stderr), new RegExp(`Unsetting GREETING and restarting ${app}\\.\\.\\. done, v4`));
    const after = await heroku(t, ['config', '--json', '-a', app]);
    assert.deepEqual(JSON.parse(after.stdout), {});
  });

  it('heroku releases lists newest first, releases:info v2 shows the deploy, releases:rollback v2 releases "Rollback to v2" with v2\'s config', async (t) => {
    const set = await heroku(t, ['config:set', 'FAREWELL=bye', '-a', app]);
    assert.match(flat(set.stderr), /done, v5/, show(set));

    const releases = await heroku(t, ['releases', '-a', app]);
    assert.equal(releases.code, 0, show(releases));
    assert.match(releases.stdout, new RegExp(`^=== ${app} Releases - Current: v5$`, 'm'));
    const rows = releases.stdout.split('\n').map((l) => /^ ?(v\d+) +(.+?) {2,}(\S+@\S+) /.exec(l)).filter((m) => m !== null).map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(rows.map((r) => r[0]), ['v5', 'v4', 'v3', 'v2', 'v1'], show(releases));
    const descriptions = rows.map((r) => r[1]);
    assert.match(descriptions[3] ?? '', /^Deploy [0-9a-f]{7}$/);
    assert.deepEqual([...descriptions.slice(0, 3), descriptions[4]], ['Set FAREWELL config vars', 'Remove GREETING config vars', 'Set GREETING config vars', 'Initial release']);
    assert.ok(rows.slice(0, 4).every((r) => r[2] === EMAIL), show(releases));

    const info = await heroku(t, ['releases:info', 'v2', '-a', app]);
    assert.equal(info.code, 0, show(info));
    assert.match(info.stdout, /^=== Release v2$/m);
    assert.match(info.stdout, new RegExp(`^By: +${escape(EMAIL)}$`, 'm'));
    assert.match(info.stdout, /^Change: +Deploy [0-9a-f]{7}$/m);
    assert.match(info.stdout, /^Eligible for Rollback\?: +Yes$/m);
    assert.match(info.stdout, /^=== v2 Config vars$/m);

    const rollback = await heroku(t, ['releases:rollback', 'v2', '-a', app]);
    assert.equal(rollback.code, 0, show(rollback));
    assert.match(flat(rollback.stderr), new RegExp(`Rolling back ${app} to v2\\.\\.\\. done, v6`));
    assert.match(flat(rollback.stderr), /To undo, run: heroku rollback v5/);

    const newest = await heroku(t, ['releases', '-n', '1', '-a', app]);
    assert.match(newest.stdout, /^ ?v6 +Rollback to v2 +/m, show(newest));
    const config = await heroku(t, ['config', '--json', '-a', app]);
    const v2Config = await api(berth, `/apps/${app}/releases/2/config-vars`);
    assert.deepEqual(JSON.parse(config.stdout), v2Config.body);
    assert.deepEqual(JSON.parse(config.stdout), {});
  });

  it('heroku ps shows web.1 up; ps:scale web=2 runs two; ps:restart replaces them; ps:stop web.1 stops it and the formation brings it back', async (t) => {
    await waitForDynos(berth, app, 'web.1 up on v6', (l) => webUp(1)(l) && l.every((d) => d.release.version === 6));
    const one = await heroku(t, ['ps', '-a', app]);
    assert.equal(one.code, 0, show(one));
    assert.match(one.stdout, /^=== web \(Standard-1X\): node server\.js \(1\)$/m);
    assert.match(one.stdout, /^web\.1: up /m);

    const scaled = await heroku(t, ['ps:scale', 'web=2', '-a', app]);
    assert.equal(scaled.code, 0, show(scaled));
    assert.match(flat(scaled.stdout + scaled.stderr), /Scaling dynos\.\.\. done, now running web at 2:Standard-1X/);
    const two = await waitForDynos(berth, app, 'two web dynos up', webUp(2));
    const listed = await heroku(t, ['ps', '-a', app]);
    assert.match(listed.stdout, /^=== web \(Standard-1X\): node server\.js \(2\)$/m, show(listed));
    assert.match(listed.stdout, /^web\.1: up /m);
    assert.match(listed.stdout, /^web\.2: up /m);

    const restarted = await heroku(t, ['ps:restart', '-a', app]);
    assert.equal(restarted.code, 0, show(restarted));
    assert.match(flat(restarted.stderr), new RegExp(`Restarting all dynos on ${app}\\.\\.\\. done`));
    const before = new Set(two.map((d) => d.id));
    const fresh = await waitForDynos(berth, app, 'two new web dynos up after ps:restart', (l) => webUp(2)(l) && l.every((d) => !before.has(d.id)));

    const stopped = await heroku(t, ['ps:stop', 'web.1', '-a', app]);
    assert.equal(stopped.code, 0, show(stopped));
    assert.match(flat(stopped.stderr), new RegExp(`Stopping dyno web\\.1 on ${app}\\.\\.\\. done`));
    const web1 = fresh.find((d) => d.name === 'web.1')?.id;
    await waitForDynos(berth, app, 'web.1 replaced and up after ps:stop', (l) => webUp(2)(l) && !l.some((d) => d.id === web1));
    await waitForLogs(berth, app, [
      new RegExp(`app\\[api\\]: Stop web\\.1 dyno by user ${escape(EMAIL)}`),
      /heroku\[web\.1\]: Stopping all processes with SIGTERM/,
    ]);
  });

  it('heroku ps:restart web replaces every web dyno; ps:stop web stops them and the formation brings them back; run:inside web.1 runs on its release', async (t) => {
    const before = await waitForDynos(berth, app, 'two web dynos up', webUp(2));
    const restarted = await heroku(t, ['ps:restart', 'web', '-a', app]);
    assert.equal(restarted.code, 0, show(restarted));
    const old = new Set(before.map((d) => d.id));
    const fresh = await waitForDynos(berth, app, 'two new web dynos up after ps:restart web', (l) => webUp(2)(l) && l.every((d) => !old.has(d.id)));
    await waitForLogs(berth, app, [new RegExp(`app\\[api\\]: Restart web dynos by user ${escape(EMAIL)}`)]);

    const stopped = await heroku(t, ['ps:stop', 'web', '-a', app]);
    assert.equal(stopped.code, 0, show(stopped));
    const stoppedIds = new Set(fresh.map((d) => d.id));
    const back = await waitForDynos(berth, app, 'both web dynos replaced after ps:stop web', (l) => webUp(2)(l) && l.every((d) => !stoppedIds.has(d.id)));
    await waitForLogs(berth, app, [new RegExp(`app\\[api\\]: Stop web dynos by user ${escape(EMAIL)}`)]);

    assert.ok(back.some((d) => d.name === 'web.1'));
    const inside = await heroku(t, ['run:inside', 'web.1', '-a', app, '--', 'echo', 'inside'], trustCa());
    assert.equal(inside.code, 0, show(inside));
    assert.equal(inside.stdout, 'inside\n');
    await waitForLogs(berth, app, [/heroku\[run\.\d+\]: Starting process with command `echo inside`/]);

    const info = await heroku(t, ['apps:info', '-a', app, '--json']);
    assert.equal(info.code, 0, show(info));
    const repoSize = (JSON.parse(info.stdout) as { app: { repo_size: number | null } }).app.repo_size;
    assert.ok(typeof repoSize === 'number' && repoSize > 0, `repo_size after a push: ${repoSize}`);
  });

  it('heroku logs -n 20 prints app[api], heroku[web.1] and heroku[router] lines; logs --tail streams a request made meanwhile', async (t) => {
    const probe = `/logs-probe-${suffix()}`;
    assert.equal((await routerGet(berth, app, probe)).status, 200);
    await waitForLogs(berth, app, [new RegExp(`heroku\\[router\\]: .*path="${escape(probe)}"`)]);

    const logs = await heroku(t, ['logs', '-a', app, '-n', '20']);
    assert.equal(logs.code, 0, show(logs));
    const lines = logs.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 20, show(logs));
    assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (app|heroku)\[[\w.-]+\]: /.test(l)), show(logs));
    assert.match(logs.stdout, /app\[api\]: /);
    assert.match(logs.stdout, /heroku\[web\.1\]: /);
    assert.match(logs.stdout, new RegExp(`heroku\\[router\\]: at=info method=GET path="${escape(probe)}" host=${app}\\.localhost .*status=200`));

    // --tail: once the backlog line is out the stream is live; a request then shows up in it.
    const started = performance.now();
    const tail = spawn(HEROKU, ['logs', '--tail', '-n', '1', '-a', app], { env: herokuEnv(), cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    tail.stdout.on('data', (c: Buffer) => (out += c.toString()));
    tail.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<void>((resolve) => tail.once('close', () => resolve()));
    const tailProbe = `/tail-probe-${suffix()}`;
    try {
      await waitFor('the tail to print its backlog line', async () => out.includes('\n'), 20_000, 50);
      assert.equal((await routerGet(berth, app, tailProbe)).status, 200);
      await waitFor(`the tail to show ${tailProbe}`, async () => out.includes(`path="${tailProbe}"`), 15_000, 50);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstdout:\n${out}\nstderr:\n${err}`);
    } finally {
      tail.kill('SIGTERM');
      const killer = setTimeout(() => tail.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      t.diagnostic(`heroku logs --tail -n 1 -a ${app}: killed after ${Math.round(performance.now() - started)} ms`);
    }
    assert.match(out, new RegExp(`heroku\\[router\\]: at=info method=GET path="${escape(tailProbe)}" host=${app}\\.localhost .*status=200`));
  });

  it('heroku run prints the command\'s output and exits with its status; run:detached output reaches heroku logs', async (t) => {
    const hello = await heroku(t, ['run', '-a', app, '--', 'echo', 'hello'], trustCa());
    assert.equal(hello.code, 0, show(hello));
    assert.equal(hello.stdout, 'hello\n');
    assert.match(flat(hello.stderr), new RegExp(`Running echo hello on ${app}\\.\\.\\. .*up, run\\.\\d+`));

    const exitX = await heroku(t, ['run', '-x', '-a', app, '--', 'exit 3'], trustCa());
    assert.equal(exitX.code, 3, show(exitX));
    assert.match(flat(exitX.stderr), /Error: Process exited with code 3/);
    assert.doesNotMatch(exitX.stdout, /heroku-command-exit-status/);

    // Without -x the client still exits with the status: the agent sends the marker when the dyno exits.
    const exitBash = await heroku(t, ['run', '-a', app, '--', 'bash', '-c', 'exit 3'], trustCa());
    assert.equal(exitBash.code, 3, show(exitBash));
    assert.doesNotMatch(exitBash.stdout, /heroku-command-exit-status/);

    const detached = await heroku(t, ['run:detached', '-a', app, '--', 'echo', 'detached-hi']);
    assert.equal(detached.code, 0, show(detached));
    const dyno = /Running echo detached-hi on \S+\.\.\. done, (run\.\d+)/.exec(flat(detached.stdout + detached.stderr))?.[1];
    assert.ok(dyno, show(detached));
    assert.match(flat(detached.stdout + detached.stderr), new RegExp(`Run heroku logs --app ${app} --dyno ${escape(dyno)} to view the output`));
    await waitForLogs(berth, app, [new RegExp(`heroku\\[${escape(dyno)}\\]: State changed from up to complete`)]);
    const logs = await heroku(t, ['logs', '-a', app, '--dyno', dyno]);
    assert.equal(logs.code, 0, show(logs));
    assert.match(logs.stdout, new RegExp(`app\\[${escape(dyno)}\\]: detached-hi$`, 'm'));
    assert.match(logs.stdout, new RegExp(`heroku\\[${escape(dyno)}\\]: Starting process with command \`echo detached-hi\``));
  });

  it('heroku maintenance:on makes the router answer 503 with the maintenance page; maintenance:off brings back 200', async (t) => {
    const on = await heroku(t, ['maintenance:on', '-a', app]);
    assert.equal(on.code, 0, show(on));
    assert.match(flat(on.stderr), new RegExp(`Enabling maintenance mode for ${app}\\.\\.\\. done`));
    const page = await waitFor('the router to answer 503', async () => {
      const reply = await routerGet(berth, app, '/maintained');
      return reply.status === 503 ? reply : undefined;
    }, 10_000, 50);
    assert.match(page.body, /Offline for Maintenance/);
    const shown = await heroku(t, ['maintenance', '-a', app]);
    assert.equal(shown.stdout, 'on\n', show(shown));

    const off = await heroku(t, ['maintenance:off', '-a', app]);
    assert.equal(off.code, 0, show(off));
    assert.match(flat(off.stderr), new RegExp(`Disabling maintenance mode for ${app}\\.\\.\\. done`));
    const back = await waitFor('the router to answer 200 again', async () => {
      const reply = await routerGet(berth, app, '/back');
      return reply.status === 200 ? reply : undefined;
    }, 10_000, 50);
    assert.equal(back.body, 'procfile-web ok /back\n');
  });
});
