import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { api, testEnv } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import type { AppRepo } from '../support/git-push.js';
import { startRequestLoop, type LoopResult } from '../support/request-loop.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { vendorPg } from '../support/vendor-pg.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 11's walkthrough on a real `bin/berth up`: a Node app using the `pg` npm client on
 * DATABASE_URL and a Redis client on REDIS_URL (test/fixtures/apps/node-data) is pushed, gets both
 * add-ons with `berth addons:create` and serves data from both through the router; a second app
 * attached to the same database with `berth addons:attach` reads the same rows; and
 * `berth pg:credentials:rotate` under a request loop on both apps fails no request, after which
 * the old URL no longer connects. pg and its dependencies are copied from this repo's
 * node_modules into the app before the push, so the build needs no registry.
 */

const BERTH = join(repoRoot(), 'bin', 'berth');
interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function canConnect(url: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('a Node app on Postgres and Redis add-ons, end to end', () => {
  const berth = useBerth({ args: ['--stop-grace-ms', '2000'] });
  let app: string;
  let reader: string;
  let addonName: string;

  const cli = (t: TestContext, args: string[]): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const env = testEnv({ BERTH_API_URL: berth.apiUrl, BERTH_API_KEY: berth.adminKey, NO_COLOR: '1' });
      const child = execFile(BERTH, args, { env, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        t.diagnostic(`berth ${args.join(' ')}: exit ${String(code ?? error?.signal)}`);
        if (typeof code !== 'number') return reject(new Error(`berth ${args.join(' ')} did not exit normally (${error?.message})\n${stdout}\n${stderr}`));
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end();
    });
  const ok = async (t: TestContext, args: string[]): Promise<string> => {
    const result = await cli(t, args);
    assert.equal(result.code, 0, `berth ${args.join(' ')}: exit ${result.code}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  const config = async (name: string): Promise<Record<string, string>> => (await api(berth, `/apps/${name}/config-vars`)).body;
  const push = async (repo: AppRepo) => {
    const pushed = await repo.push(vendorPg);
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    return pushed;
  };
  /** A request without a body through the router; resolves with the status. */
  const fetchRouter = (name: string, method: string, path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: berth.runtime.router_port, method, path, agent: false, headers: { host: `${name}.${berth.runtime.domain}` }, timeout: 10_000 },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} on ${name} timed out`)));
      req.on('error', reject);
      req.end();
    });
  /** Waits until GET `path` on `name` answers 200 with JSON for which `check` holds; returns it. */
  const serves = (name: string, path: string, what: string, check: (body: any) => boolean) => {
    let last = '';
    return waitFor(`${name} ${path}: ${what}`, async () => {
      const reply = await routerGet(berth, name, path);
      last = `${reply.status} ${reply.body}`;
      if (reply.status !== 200) return undefined;
      const body = JSON.parse(reply.body);
      return check(body) ? body : undefined;
    }, 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${last}`);
    });
  };

  it('serves notes from Postgres through the pg client and hits from Redis once both add-ons are created', async (t) => {
    app = await berth.createApp('nodedata');
    const pushed = await push(await berth.repo(app, 'node-data'));
    assert.match(pushed.stderr + pushed.stdout, /Node\.js/, 'built by the Node.js buildpack');

    const pgCreated = await ok(t, ['addons:create', 'heroku-postgresql', '-a', app]);
    addonName = /(postgresql-[a-z]+-\d+)/.exec(pgCreated)?.[1] ?? '';
    assert.ok(addonName, `addons:create names the add-on:\n${pgCreated}`);
    await ok(t, ['addons:create', 'heroku-redis', '-a', app]);
    const listed = await ok(t, ['addons', '-a', app]);
    assert.match(listed, new RegExp(`${addonName}[^\\n]*heroku-postgresql:essential-0`), `berth addons lists the default Postgres plan:\n${listed}`);
    assert.match(listed, /heroku-redis:mini/);
    const vars = await config(app);
    assert.match(vars.DATABASE_URL ?? '', /^postgres:\/\//);
    assert.match(vars.REDIS_URL ?? '', /^redis:\/\//);

    // The attach releases roll the dyno that started without either URL.
    const first = await serves(app, '/', 'a dyno with both URLs', (body) => typeof body.hits === 'number');
    assert.deepEqual(first.notes, []);
    const added = await fetchRouter(app, 'POST', '/notes/first-note');
    assert.equal(added, 201);
    const second = await serves(app, '/', 'the note and another hit', (body) => body.notes.length > 0);
    assert.deepEqual(second.notes, ['first-note']);
    assert.ok(second.hits > first.hits, `the Redis counter grew: ${first.hits} then ${second.hits}`);
  });

  it('shares the database with a second app attached by addons:attach, which reads and writes the same rows', async (t) => {
    reader = await berth.createApp('nodedata-reader');
    const attached = await ok(t, ['addons:attach', addonName, '-a', reader]);
    assert.match(attached, new RegExp(`Attaching ${addonName} as DATABASE to ${reader}`));
    assert.equal((await config(reader)).DATABASE_URL, (await config(app)).DATABASE_URL);
    assert.equal((await config(reader)).REDIS_URL, undefined, 'only the database is shared');
    await push(await berth.repo(reader, 'node-data'));

    const read = await serves(reader, '/', 'the first app’s note', (body) => body.notes.length > 0);
    assert.deepEqual(read, { notes: ['first-note'], hits: null });
    assert.equal(await fetchRouter(reader, 'POST', '/notes/from-the-reader'), 201);
    await serves(app, '/notes', 'the reader’s note', (body) => body.notes.includes('from-the-reader'));
  });

  it('rotates the credentials under a request loop on both apps without a failed request, and the old URL stops working', async (t) => {
    const oldUrl = (await config(app)).DATABASE_URL!;
    const oldUser = decodeURIComponent(new URL(oldUrl).username);
    assert.equal(await canConnect(oldUrl), true, 'the old URL works before the rotation');
    const loops = [app, reader].map((name) => startRequestLoop(berth, name, { clients: 2, path: '/notes', maxMs: 60_000 }));
    const results: LoopResult[] = [];
    try {
      assert.ok(await loops[0]!.seen(new RegExp(`"db_user":"${oldUser}"`), 20_000), 'the app answers as the old user before the rotation');
      const rotated = await ok(t, ['pg:credentials:rotate', '--confirm', app, '-a', app]);
      assert.match(rotated, /Rotating default credential on .*\.\.\. done/);
      const newUrl = (await config(app)).DATABASE_URL!;
      const newUser = decodeURIComponent(new URL(newUrl).username);
      assert.notEqual(newUser, oldUser);
      assert.equal((await config(reader)).DATABASE_URL, newUrl, 'the attached app got the new URL too');
      for (const loop of loops) assert.ok(await loop.seen(new RegExp(`"db_user":"${newUser}"`), 60_000), 'the rolled dynos answer as the new user');
      const count = loops.map((loop) => loop.count());
      await waitFor('more requests after the roll', () => loops.every((loop, i) => loop.count() >= count[i]! + 20), 20_000);
    } finally {
      for (const loop of loops) results.push(await loop.stop());
      t.diagnostic(`requests: ${results.map((r) => `${r.requests} (${r.failures.length} failed)`).join(', ')}`);
    }
    const failures = results.flatMap((r) => r.failures);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${results.reduce((n, r) => n + r.requests, 0)} requests failed`);
    assert.match(String(await canConnect(oldUrl)), /no pg_hba.conf entry|password authentication failed|does not exist|not permitted to log in/, 'the old URL is refused');
  });
});
