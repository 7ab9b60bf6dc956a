import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { request as httpRequest } from 'node:http';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { api, startBerth, testEnv, type BerthProcess } from '../support/berth-process.js';
import { shutDown } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

function httpsStatus(port: number, path: string, ca: Buffer, servername: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port, path, ca, servername, headers: { accept: 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function routerGet(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bin/berth up on the embedded default', () => {
  let dataDir: string;
  let berth: BerthProcess;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-up-'));
    berth = await startBerth({ dataDir });
  });
  after(async () => {
    const left = await shutDown(berth);
    await rm(dataDir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'nothing of berth outlives it');
  });

  it('prints a banner with the API, git and router URLs, the admin key and the CLI lines', () => {
    const out = berth.output();
    const { runtime } = berth;
    assert.match(out, new RegExp(`API +http://localhost:${runtime.api_port} +https://localhost:${runtime.api_tls_port}`));
    assert.match(out, new RegExp(`git +https://localhost:${runtime.api_tls_port}/<app>\\.git`));
    assert.match(out, new RegExp(`router +http://<app>\\.localhost:${runtime.router_port}`));
    assert.ok(out.includes(`admin key  ${join(dataDir, 'admin.key')}`));
    assert.ok(out.includes(`export BERTH_API_URL=http://localhost:${runtime.api_port} BERTH_API_KEY=$(cat ${join(dataDir, 'admin.key')})`));
    assert.ok(out.includes(`export HEROKU_HOST=http://localhost:${runtime.api_port} HEROKU_API_KEY=$(cat ${join(dataDir, 'admin.key')})`));
    assert.ok(out.includes(`NODE_EXTRA_CA_CERTS=${join(dataDir, 'tls', 'ca.crt')}`));
    assert.ok(out.includes(`bin/berth login --api-url http://localhost:${runtime.api_port} --email you@example.com`));
    assert.match(out, /state in SQLite/);
  });

  it('writes the admin API key to admin.key with mode 0600 and it authenticates', async () => {
    const mode = (await stat(join(dataDir, 'admin.key'))).mode & 0o777;
    assert.equal(mode, 0o600);
    const account = await api(berth, '/account');
    assert.equal(account.status, 200);
    assert.equal(account.body.email, 'admin@localhost');
  });

  it('serves the API over HTTPS with a certificate from the local CA', async () => {
    const ca = await readFile(berth.runtime.ca_cert);
    assert.equal(await httpsStatus(berth.runtime.api_tls_port, '/regions', ca, 'localhost'), 401);
    assert.equal(await httpsStatus(berth.runtime.api_tls_port, '/regions', ca, ''), 401);
  });

  it('routes a known app to H14 while it has no dynos, and an unknown host to a 404 page', async () => {
    const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: 'routed-app' }) });
    assert.equal(created.status, 201);
    assert.equal(created.body.web_url, `http://routed-app.localhost:${berth.runtime.router_port}/`);
    // The API answers before the route reaches the router (the platform hears of the app after).
    const known = await waitFor('the router to route the new app', async () => {
      const reply = await routerGet(berth.runtime.router_port, `routed-app.localhost:${berth.runtime.router_port}`);
      if (reply.status === 404 && /No such app/.test(reply.body)) throw new Error('not routed yet (404 No such app)');
      return reply;
    });
    assert.equal(known.status, 503);
    assert.match(known.body, /H14/);
    const unknown = await routerGet(berth.runtime.router_port, 'nope.localhost');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /No such app/);
  });

  it('refuses a second Berth on the same data dir with a clear message', async () => {
    await assert.rejects(
      startBerth({ dataDir, timeoutMs: 30_000 }),
      (err: Error) => /Another Berth \(pid \d+\) is running with this data dir/.test(err.message),
    );
  });

  it('refuses to start when another process holds the router port, naming that process', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const otherDir = await mkdtemp(join(tmpdir(), 'berth-up-port-'));
    try {
      await assert.rejects(
        startBerth({ dataDir: otherDir, args: ['--router-port', String(port)], timeoutMs: 60_000 }),
        (err: Error) => err.message.includes(`Port ${port} is already in use by node (pid ${process.pid}): stop it, or choose another port with --router-port.`),
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM and a second start reuses the data and the key', async () => {
    const keyBefore = berth.adminKey;
    assert.equal(await berth.stop('SIGTERM'), 0);
    assert.match(berth.output(), /Berth stopped\./);
    await assert.rejects(access(join(dataDir, 'berth.pid')));
    await assert.rejects(access(join(dataDir, 'berth.json')));

    berth = await startBerth({ dataDir });
    assert.equal(berth.adminKey, keyBefore);
    assert.doesNotMatch(berth.output(), /new admin account/);
    const app = await api(berth, '/apps/routed-app');
    assert.equal(app.status, 200);
    assert.equal(app.body.name, 'routed-app');
  });

  it('stops cleanly on Ctrl-C (SIGINT)', async () => {
    assert.equal(await berth.stop('SIGINT'), 0);
    assert.match(berth.output(), /Received SIGINT/);
  });
});

describe('two instances side by side', () => {
  it('run with different data dirs and ports without sharing anything', async () => {
    const [a, b] = await Promise.all([startBerth(), startBerth()]);
    try {
      assert.notEqual(a.runtime.api_port, b.runtime.api_port);
      assert.notEqual(a.adminKey, b.adminKey);
      assert.equal((await api(a, '/apps', { method: 'POST', body: JSON.stringify({ name: 'only-in-a' }) })).status, 201);
      assert.equal((await api(a, '/apps/only-in-a')).status, 200);
      assert.equal((await api(b, '/apps/only-in-a')).status, 404);
      assert.equal((await api(b, '/account', { key: a.adminKey })).status, 401);
    } finally {
      const left = [...(await shutDown(a)), ...(await shutDown(b))];
      assert.deepEqual(left, [], 'nothing of either berth outlives it');
    }
  });
});

describe('bin/berth up on PostgreSQL', () => {
  let pg: ThrowawayPostgres;
  before(async () => {
    pg = await startThrowawayPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  it('keeps its state in the database named by --database-url across restarts', async () => {
    const url = await pg.createDatabase('berth_up');
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-pg-'));
    let berth = await startBerth({ dataDir, args: ['--database-url', url] });
    try {
      assert.match(berth.output(), /state in PostgreSQL/);
      assert.equal((await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: 'pg-app' }) })).status, 201);
      assert.equal(await berth.stop(), 0);
      berth = await startBerth({ dataDir, env: { DATABASE_URL: url } });
      assert.equal((await api(berth, '/apps/pg-app')).status, 200);
    } finally {
      const left = await shutDown(berth);
      assert.deepEqual(left, [], 'nothing of berth outlives it');
    }
  });
});

describe('bin/berth up flags', () => {
  const berthBin = () => join(repoRoot(), 'bin', 'berth');

  it('documents every flag in --help', async () => {
    const { stdout } = await run(berthBin(), ['up', '--help'], { env: testEnv() });
    for (const flag of ['--data-dir', '--api-port', '--router-port', '--domain', '--database-url', '--api-tls-port', '--bind', '--workers']) {
      assert.ok(stdout.includes(flag), `--help mentions ${flag}`);
    }
  });

  it('rejects a bad port with the rule and exit code 2', async () => {
    await assert.rejects(run(berthBin(), ['up', '--api-port', 'abc'], { env: testEnv() }), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /--api-port must be a port number/);
      return true;
    });
  });

  it('rejects a number of router workers below one with the rule and exit code 2', async () => {
    await assert.rejects(run(berthBin(), ['up', '--workers', '0'], { env: testEnv() }), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /--workers must be a number of router worker processes from 1 to 256/);
      return true;
    });
  });

  it('rejects an unknown flag with exit code 2', async () => {
    await assert.rejects(run(berthBin(), ['up', '--colour', 'blue'], { env: testEnv() }), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /colour/);
      return true;
    });
  });
});
