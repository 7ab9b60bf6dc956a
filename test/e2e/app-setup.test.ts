import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { api } from '../support/berth-process.js';
import { berthCli } from '../support/berth-cli.js';
import { suffix, useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { vendorPg } from '../support/vendor-pg.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 13's app setup on a real `bin/berth up`: `berth setup DIR` reads the fixture's app.json
 * (test/fixtures/apps/setup-app) — env with a value, a generated secret and a required variable,
 * a Postgres add-on, a web and a worker process, and a postdeploy script that seeds the database
 * — and one call leaves a working app: the router serves the seeded row and the config.
 */
const run = promisify(execFile);

describe('berth setup: an app from its app.json in one call', () => {
  const berth = useBerth({ args: ['--stop-grace-ms', '2000'] });
  const app = `setup-${suffix()}`;
  let dir: string;

  it('refuses an app.json whose required variable has no value, naming it, and creates nothing', async () => {
    dir = join(await berth.tempDir('berth-setup-'), 'setup-app');
    await cp(join(repoRoot(), 'test', 'fixtures', 'apps', 'setup-app'), dir, { recursive: true });
    await vendorPg(dir);
    // A git work tree, as an app usually is: berth setup packs what git knows, node_modules included here.
    for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=t@example.test', '-c', 'user.name=t', 'commit', '-qm', 'app']]) await run('git', args, { cwd: dir });
    const refused = await berthCli(berth, ['setup', dir, '--app', app]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /env\.SIGNUP_TOKEN: is required and has no value/);
    assert.match(refused.stderr, /the token new users sign up with/);
    assert.equal((await api(berth, `/apps/${app}`)).status, 404, 'no app was created');
  });

  it('creates the app with its config and database, builds it, seeds it with postdeploy and scales its worker', async () => {
    const result = await berthCli(berth, ['setup', dir, '--app', app, '-e', 'SIGNUP_TOKEN=t0k3n'], { timeoutMs: 240_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /Node\.js/, 'the build output was streamed');
    assert.match(result.stderr, /Running postdeploy\.\.\. exited with status 0\nseeded the notes table/);
    assert.match(result.stdout, new RegExp(`^Set up ${app}: http://${app}\\.`, 'm'));
    const remote = await run('git', ['remote', 'get-url', 'berth'], { cwd: dir });
    assert.equal(remote.stdout.trim(), `https://${berth.runtime.git_host}/${app}.git`, "the app directory's repository got a berth remote");

    const config = (await api(berth, `/apps/${app}/config-vars`)).body as Record<string, string>;
    assert.equal(config.GREETING, 'hello from app.json');
    assert.match(config.SECRET_KEY ?? '', /^[0-9a-f]{64}$/);
    assert.equal(config.SIGNUP_TOKEN, 't0k3n');
    assert.match(config.DATABASE_URL ?? '', /^postgres:\/\//, 'the Postgres add-on is attached');

    const served = await waitFor('the web dyno to serve the seeded row', async () => {
      const reply = await routerGet(berth, app);
      return reply.status === 200 ? (JSON.parse(reply.body) as Record<string, unknown>) : undefined;
    }, 60_000);
    assert.deepEqual(served, { greeting: 'hello from app.json', secret_length: 64, signup_token: 't0k3n', notes: ['seeded by postdeploy'] });

    const formation = (await api(berth, `/apps/${app}/formation`)).body as Array<{ type: string; quantity: number }>;
    assert.deepEqual(formation.map((f) => [f.type, f.quantity]).sort(), [['web', 1], ['worker', 1]]);
    await waitFor('worker.1 to be up', async () => {
      const dynos = (await api(berth, `/apps/${app}/dynos`)).body as Array<{ name: string; state: string }>;
      return dynos.some((d) => d.name === 'worker.1' && d.state === 'up');
    }, 60_000);
    const releases = (await api(berth, `/apps/${app}/releases`)).body as Array<{ description: string }>;
    assert.ok(releases.some((r) => /Attach DATABASE/.test(r.description)), releases.map((r) => r.description).join('; '));
  });
});
