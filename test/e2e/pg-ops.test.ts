import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startBerth, testEnv, type BerthProcess } from '../support/berth-process.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { repoRoot } from '../support/repo-root.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { createApp } from '../support/spine.js';

/**
 * Postgres operations on a real `bin/berth up` (its own PostgreSQL and Redis servers, the
 * framework, the transfer service): `berth pg:psql` and `redis:cli` run their clients in one-off
 * dynos on the dyno network; a backup is captured, the table dropped, the backup restored with
 * the data back; and the official `heroku pg:info` / `pg:backups` read the same Berth through
 * the banner's HEROKU_DATA_HOST.
 */

const BERTH = join(repoRoot(), 'bin', 'berth');
const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(t: TestContext, file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, cwd, timeout: 120_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      t.diagnostic(`${file.split('/').pop()} ${args.join(' ')}: exit ${String(code ?? error?.signal)}`);
      if (typeof code !== 'number') return reject(new Error(`${args.join(' ')} did not exit normally (${error?.message})\n${stdout}\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const describeResult = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('pg:* on a real Berth', () => {
  let berth: BerthProcess;
  let repo: AppRepo;
  const app = `pgops-${suffix()}`;

  const env = (): NodeJS.ProcessEnv => {
    const base = testEnv();
    for (const name of Object.keys(base)) if (name.startsWith('HEROKU_') || name.startsWith('BERTH_')) delete base[name];
    const apiUrl = `http://localhost:${berth.runtime.api_port}`;
    return {
      ...base,
      HOME: berth.dataDir,
      XDG_CONFIG_HOME: join(berth.dataDir, '.config'),
      XDG_CACHE_HOME: join(berth.dataDir, '.cache'),
      XDG_DATA_HOME: join(berth.dataDir, '.local', 'share'),
      NO_COLOR: '1',
      BERTH_API_URL: apiUrl,
      BERTH_API_KEY: berth.adminKey,
      NODE_EXTRA_CA_CERTS: berth.runtime.ca_cert,
      HEROKU_HOST: apiUrl,
      HEROKU_API_KEY: berth.adminKey,
      HEROKU_PARTICLEBOARD_URL: apiUrl,
      HEROKU_DATA_HOST: 'localhost',
      PGSSLMODE: 'prefer',
      DISABLE_TELEMETRY: 'true',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HEROKU_DISABLE_AUTOUPDATE: 'true',
      CI: 'true',
    };
  };
  const berthCli = (t: TestContext, ...args: string[]) => run(t, BERTH, [...args, '-a', app], env(), berth.dataDir);
  const heroku = (t: TestContext, ...args: string[]) => run(t, HEROKU, [...args, '-a', app], env(), berth.dataDir);

  before(async () => {
    berth = await startBerth();
    await createApp(berth, app);
    repo = await appRepo(berth, app, 'procfile-web');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
  });
  after(async () => {
    const left = await shutDown(berth);
    await repo?.remove();
    assert.deepEqual(left, [], 'no agent, router, dyno or add-on server outlives berth');
  });

  it('creates a database and runs SQL with psql in a one-off dyno', async (t) => {
    const created = await berthCli(t, 'addons:create', 'heroku-postgresql:essential-0');
    assert.equal(created.code, 0, describeResult(created));
    const sql = await berthCli(t, 'pg:psql', '-c', "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept by a backup'); SELECT body FROM notes");
    assert.equal(sql.code, 0, describeResult(sql));
    assert.match(sql.stdout, /kept by a backup/);
  });

  it('captures a backup, and after a drop restores it with the data back', async (t) => {
    const capture = await berthCli(t, 'pg:backups:capture');
    assert.equal(capture.code, 0, describeResult(capture));
    assert.match(capture.stdout, /Backing up DATABASE to b001\.\.\. done/);
    assert.equal((await berthCli(t, 'pg:psql', '-c', 'DROP TABLE notes')).code, 0);
    const restore = await berthCli(t, 'pg:backups:restore', 'b001', 'DATABASE', '--confirm', app);
    assert.equal(restore.code, 0, describeResult(restore));
    const back = await berthCli(t, 'pg:psql', '-c', 'SELECT body FROM notes');
    assert.match(back.stdout, /kept by a backup/);
  });

  it('answers the official CLI’s pg:info and pg:backups through HEROKU_DATA_HOST', async (t) => {
    const info = await heroku(t, 'pg:info');
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /=== DATABASE_URL/);
    assert.match(info.stdout, /Status: +Available/);
    const backups = await heroku(t, 'pg:backups');
    assert.match(backups.stdout, /b001 .*Completed/);
    assert.match(backups.stdout, /r002 .*Completed/);
  });

  it('runs redis-cli in a one-off dyno against a Redis add-on', async (t) => {
    const created = await berthCli(t, 'addons:create', 'heroku-redis:mini');
    assert.equal(created.code, 0, describeResult(created));
    const set = await berthCli(t, 'redis:cli', '-c', 'SET greeting hello');
    assert.equal(set.code, 0, describeResult(set));
    const get = await berthCli(t, 'redis:cli', '-c', 'GET greeting');
    assert.match(get.stdout, /hello/);
    const info = await berthCli(t, 'redis:info');
    assert.match(info.stdout, /Version: +\d+/);
  });
});
