// The heroku-postgresql provider on Berth's own server: a database and role per add-on that only
// that role can open, plan limits, credential rotation, reset and deprovisioning.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresServer } from '../../src/addons/postgres-server.js';
import { PostgresProvider } from '../../src/addons/postgres-provider.js';
import { AddonProviderError, type AddonResource } from '../../src/addons/provider.js';

async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

const withDatabase = (url: string, db: string): string => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

describe('the heroku-postgresql provider', () => {
  let root: string;
  let server: PostgresServer;
  let provider: PostgresProvider;
  const resource = (plan = 'essential-0', appName = 'app-a'): AddonResource => ({ addonId: randomUUID(), addonName: `postgresql-test-${Math.floor(Math.random() * 1e5)}`, plan, providerId: null, appId: randomUUID(), appName });
  const provision = async (r: AddonResource): Promise<{ resource: AddonResource; url: string }> => {
    const result = await provider.provision({ ...r, options: {}, callbackUrl: 'http://unused' });
    assert.equal(result.state, 'provisioned');
    if (result.state !== 'provisioned') throw new Error('unreachable');
    return { resource: { ...r, providerId: result.providerId }, url: result.config.URL! };
  };
  const superuser = (): pg.ClientConfig => ({ host: server.endpoint.socketDir, port: server.endpoint.port, user: 'postgres', database: 'postgres' });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-pgprov-'));
    server = new PostgresServer({ dir: join(root, 'postgres'), host: '127.0.0.1', subnet: '127.0.0.0/8', durable: false, log: () => undefined });
    await server.start();
    provider = new PostgresProvider({ target: async () => ({ admin: superuser(), host: server.endpoint.host, port: server.endpoint.port }) });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('provisions a database whose URL a client can use to create and read tables', async () => {
    const { url } = await provision(resource());
    assert.match(url, /^postgres:\/\/u[0-9a-f]{14}:[0-9a-f]{64}@127\.0\.0\.1:\d+\/d[0-9a-f]{14}$/);
    await query(url, 'CREATE TABLE notes (body text)');
    await query(url, 'INSERT INTO notes VALUES ($1)', ['hello']);
    assert.deepEqual((await query(url, 'SELECT body FROM notes')).rows, [{ body: 'hello' }]);
  });

  it('accepts TLS connections (as Heroku apps often ask for) and plain ones', async () => {
    const { url } = await provision(resource());
    const sslOf = async (name: string): Promise<unknown[]> => {
      const admin = new pg.Client(superuser());
      await admin.connect();
      const rows = (await admin.query('SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = $1', [name])).rows;
      await admin.end();
      return rows;
    };
    for (const [name, ssl] of [['tls-probe', { rejectUnauthorized: false }], ['plain-probe', false]] as const) {
      const client = new pg.Client({ connectionString: url, ssl, application_name: name });
      await client.connect();
      assert.deepEqual(await sslOf(name), [{ ssl: ssl !== false }]);
      await client.end();
    }
  });

  it('revokes CONNECT from PUBLIC and sets the plan connection limit on the database', async () => {
    const { url } = await provision(resource('essential-2'));
    const db = new URL(url).pathname.slice(1);
    const client = new pg.Client(superuser());
    await client.connect();
    const row = (await client.query("SELECT datconnlimit, has_database_privilege('public', datname, 'CONNECT') AS public_connect FROM pg_database WHERE datname = $1", [db])).rows[0];
    await client.end();
    assert.deepEqual(row, { datconnlimit: 40, public_connect: false });
  });

  it("refuses app A's credentials on app B's database, and a guessed database name", async () => {
    const a = await provision(resource('essential-0', 'app-a'));
    const b = await provision(resource('essential-0', 'app-b'));
    const bDb = new URL(b.url).pathname.slice(1);
    await assert.rejects(query(withDatabase(a.url, bDb), 'SELECT 1'), /no pg_hba.conf entry|permission denied/);
    await assert.rejects(query(withDatabase(a.url, 'd0123456789abcd'), 'SELECT 1'), /no pg_hba.conf entry|does not exist/);
    await assert.rejects(query(withDatabase(a.url, 'postgres'), 'SELECT 1'), /no pg_hba.conf entry/);
    // B's password with A's role name fails too.
    const mixed = new URL(a.url);
    mixed.password = new URL(b.url).password;
    await assert.rejects(query(mixed.toString(), 'SELECT 1'), /password authentication failed/);
  });

  it('changes the connection limit with the plan', async () => {
    const { resource: r, url } = await provision(resource('essential-0'));
    await provider.changePlan(r, 'standard-0');
    assert.equal((await provider.info({ ...r, plan: 'standard-0' })).connectionLimit, 120);
    await query(url, 'SELECT 1');
  });

  it('refuses an unknown plan with the list of valid ones', async () => {
    await assert.rejects(provider.provision({ ...resource('huge-9'), options: {}, callbackUrl: '' }), (err: Error) => err instanceof AddonProviderError && /Unknown plan heroku-postgresql:huge-9; valid plans: essential-0, /.test(err.message));
  });

  it('reports size, tables and connections for pg:info', async () => {
    const { resource: r, url } = await provision(resource());
    await query(url, 'CREATE TABLE a (x int); CREATE TABLE b (y int)');
    const info = await provider.info(r);
    assert.equal(info.tables, 2);
    assert.equal(info.connectionLimit, 20);
    assert.equal(info.storageLimitBytes, 1024 ** 3);
    assert.ok(info.dataSizeBytes > 0 && !info.overStorage);
    assert.match(info.serverVersion, /^\d+\.\d+/);
  });

  it('rotates credentials: the new URL reaches the same data, the old password stops working after the roll', async () => {
    const { resource: r, url } = await provision(resource());
    await query(url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)');
    const updates: Array<{ addonId: string; config: Record<string, string> }> = [];
    let oldWorkedDuringRoll = false;
    const fresh = await provider.rotateCredentials(r, {
      updateConfig: async (addonId, config) => {
        updates.push({ addonId, config });
        oldWorkedDuringRoll = (await query(url, 'SELECT v FROM kept')).rows[0].v === 7;
      },
    });
    assert.deepEqual(updates, [{ addonId: r.addonId, config: { URL: fresh } }]);
    assert.equal(oldWorkedDuringRoll, true);
    assert.notEqual(fresh, url);
    assert.deepEqual((await query(fresh, 'SELECT v FROM kept')).rows, [{ v: 7 }]);
    await query(fresh, 'CREATE TABLE made_after (v int)');
    await assert.rejects(query(url, 'SELECT 1'), /no pg_hba.conf entry|password authentication failed/);
  });

  it('resets the database to empty, keeping the credentials', async () => {
    const { resource: r, url } = await provision(resource());
    await query(url, 'CREATE TABLE doomed (v int)');
    await provider.reset(r);
    assert.equal((await query(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n, 0);
    await query(url, 'CREATE TABLE reborn (v int)');
  });

  it('deprovisions: database and roles are gone, and doing it twice is fine', async () => {
    const { resource: r, url } = await provision(resource());
    await provider.deprovision(r);
    await provider.deprovision(r);
    await assert.rejects(query(url, 'SELECT 1'), /password authentication failed|does not exist|no pg_hba/);
    const client = new pg.Client(superuser());
    await client.connect();
    const left = (await client.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [r.providerId])).rows[0].n;
    await client.end();
    assert.equal(left, 0);
  });

  it('fails with a clear message when the server is down', async () => {
    const down = new PostgresProvider({ target: async () => { throw new Error('the host agent is not connected'); } });
    await assert.rejects(down.provision({ ...resource(), options: {}, callbackUrl: '' }), (err: Error) => err instanceof AddonProviderError && /not available: the host agent is not connected/.test(err.message));
  });

  it('fails provisioning with a clear message while the server is stopped, and works once it is back', async () => {
    await server.stop();
    await assert.rejects(provider.provision({ ...resource(), options: {}, callbackUrl: '' }), (err: Error) => err instanceof AddonProviderError && /^Could not connect to the PostgreSQL server for add-ons: /.test(err.message));
    server = new PostgresServer({ dir: join(root, 'postgres'), host: '127.0.0.1', subnet: '127.0.0.0/8', durable: false, log: () => undefined });
    await server.start();
    const { url } = await provision(resource());
    await query(url, 'SELECT 1');
  });
});
