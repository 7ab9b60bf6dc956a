// Add-ons on Berth's own servers through `bin/berth up`: creating heroku-postgresql and
// heroku-redis add-ons gives the app working DATABASE_URL and REDIS_URL on the dyno bridge's
// gateway; the servers live in the host agent, so killing the control plane changes nothing, a
// clean stop stops them, and the next start brings them back with the same URLs and data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { processAlive } from '../../src/addons/supervised-server.js';
import { parseRedisUrl, redisCall } from '../addons/resp.js';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const redis = (url: string, ...commands: string[][]) => {
  const u = parseRedisUrl(url);
  return redisCall(u, [['AUTH', u.password], ...commands]).then((r) => r.slice(1));
};

describe('add-on servers under berth up', () => {
  let dataDir: string;
  let berth: BerthProcess;
  const app = `addons-${Date.now().toString(36)}`;
  let config: Record<string, string>;

  const serverPids = () => {
    const pgPid = Number(readFileSync(join(dataDir, 'addons', 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { pgPid };
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-e2e-addons-'));
    berth = await startBerth({ dataDir });
    assert.equal((await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) })).status, 201);
  });
  after(async () => {
    await berth?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('provisions heroku-postgresql and heroku-redis and sets DATABASE_URL and REDIS_URL on the gateway', async () => {
    for (const plan of ['heroku-postgresql:essential-0', 'heroku-redis:mini']) {
      const created = await api(berth, `/apps/${app}/addons`, { method: 'POST', body: JSON.stringify({ plan }) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.state, 'provisioned', JSON.stringify(created.body));
    }
    config = (await api(berth, `/apps/${app}/config-vars`)).body;
    const subnet = readFileSync(join(dataDir, 'run', 'subnet'), 'utf8').trim();
    const gateway = subnet.replace(/\.0\/24$/, '.1');
    assert.equal(new URL(config.DATABASE_URL!).hostname, gateway);
    assert.equal(new URL(config.REDIS_URL!).hostname, gateway);
    await sql(config.DATABASE_URL!, "CREATE TABLE visits (n int); INSERT INTO visits VALUES (1)");
    assert.deepEqual(await redis(config.REDIS_URL!, ['SET', 'hits', '1']), ['OK']);
  });

  it('keeps the servers running, unrestarted, when the control plane is killed', async () => {
    const { pgPid } = serverPids();
    await berth.stop('SIGKILL');
    berth = await startBerth({ dataDir });
    assert.equal(serverPids().pgPid, pgPid);
    assert.deepEqual(await sql(config.DATABASE_URL!, 'SELECT n FROM visits'), [{ n: 1 }]);
    assert.deepEqual(await redis(config.REDIS_URL!, ['GET', 'hits']), ['1']);
  });

  it('stops the servers on a clean stop and brings them back with the same URLs and data', async () => {
    const { pgPid } = serverPids();
    await berth.stop('SIGTERM');
    assert.equal(processAlive(pgPid), false);
    berth = await startBerth({ dataDir });
    assert.deepEqual((await api(berth, `/apps/${app}/config-vars`)).body, config);
    assert.deepEqual(await sql(config.DATABASE_URL!, 'SELECT n FROM visits'), [{ n: 1 }]);
    assert.deepEqual(await redis(config.REDIS_URL!, ['GET', 'hits']), ['1']);
  });

  it('applies a plan change at once: the database connection limit and Redis maxmemory', async () => {
    const addons = (await api(berth, `/apps/${app}/addons`)).body as Array<{ id: string; addon_service: { name: string } }>;
    for (const addon of addons) {
      const plan = addon.addon_service.name === 'heroku-redis' ? 'heroku-redis:premium-0' : 'heroku-postgresql:essential-2';
      const changed = await api(berth, `/apps/${app}/addons/${addon.id}`, { method: 'PATCH', body: JSON.stringify({ plan }) });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
    }
    assert.deepEqual(await sql(config.DATABASE_URL!, 'SELECT datconnlimit FROM pg_database WHERE datname = current_database()'), [{ datconnlimit: 40 }]);
    const [memory] = await redis(config.REDIS_URL!, ['INFO', 'memory']);
    assert.match(memory!, /maxmemory:52428800\r?\n/);
  });

  it('drops the database and the Redis server when the add-ons are destroyed', async () => {
    const addons = (await api(berth, `/apps/${app}/addons`)).body as Array<{ id: string }>;
    for (const addon of addons) {
      const destroyed = await api(berth, `/apps/${app}/addons/${addon.id}`, { method: 'DELETE', body: JSON.stringify({ confirm: app }) });
      assert.equal(destroyed.status, 200, JSON.stringify(destroyed.body));
    }
    await assert.rejects(sql(config.DATABASE_URL!, 'SELECT 1'), /no pg_hba.conf entry|password authentication failed/);
    await assert.rejects(redis(config.REDIS_URL!, ['PING']), /ECONNREFUSED/);
  });
});
