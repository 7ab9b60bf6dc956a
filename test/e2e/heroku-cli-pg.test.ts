import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresProvider } from '../../src/addons/postgres-provider.js';
import { PostgresServer } from '../../src/addons/postgres-server.js';
import { RedisInstances } from '../../src/addons/redis-instances.js';
import { RedisProvider } from '../../src/addons/redis-provider.js';
import { AddonLifecycle } from '../../src/api/addon-lifecycle.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import { startDataServices, type DataServices } from '../../src/main/data-services.js';
import { providerHooks } from '../../src/main/provider-hooks.js';
import { StoreAddonDirectory } from '../../src/main/store-addon-directory.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { describeResult, flat, runHeroku } from '../support/heroku-cli.js';
import { throwawayCa, type ThrowawayCa } from '../support/test-certificates.js';

/**
 * The official `heroku` CLI (devDependency heroku@11.10.0) with HEROKU_HOST and HEROKU_DATA_HOST
 * pointing at Berth's API, over the real add-on framework, the real heroku-postgresql provider on
 * a Berth-run PostgreSQL server, and the real transfer service: `addons:create`, `pg:info`,
 * `pg:backups:capture`, `pg:backups`, `pg:psql -c` (psql on this host to the add-on's URL) and
 * `pg:credentials:rotate`, `pg:backups:restore`, `pg:backups:url` and `pg:backups:download` (over
 * the API's TLS port, as the CLI insists), the daily backup schedule, pg-extras diagnostics,
 * `pg:copy` and `pg:reset`; and with HEROKU_REDIS_HOST, `redis:info`,
 * `redis:maxmemory` and `redis:cli` on the real heroku-redis provider.
 */



describe('the official heroku CLI: pg:* against Berth', () => {
  let root: string;
  let server: PostgresServer;
  let redis: RedisInstances;
  let api: ApiHarness;
  let data: DataServices;
  let key: string;
  const APP = 'official-pg';

  let ca: ThrowawayCa;
  // The banner's NODE_EXTRA_CA_CERTS line: the CLI downloads backups only over https (the API's TLS port).
  const cli = () => ({ apiUrl: api.url, home: root, apiKey: key, timeoutMs: 90_000, env: { HEROKU_DATA_HOST: new URL(api.url).hostname, PGSSLMODE: 'prefer', NODE_EXTRA_CA_CERTS: join(root, 'ca.crt') } });
  const withInput = async (t: TestContext, args: string[], input: string) => {
    const result = await runHeroku(cli(), args, input);
    t.diagnostic(`heroku ${args.join(' ')}: exit ${result.code}`);
    return result;
  };
  const heroku = (t: TestContext, ...args: string[]) => withInput(t, args, '');

  const databaseUrl = async () => ((await api.store.configVars.get((await api.store.apps.findByName(APP))!.id)) as Record<string, string>).DATABASE_URL!;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-heroku-pg-'));
    ca = await throwawayCa();
    await writeFile(join(root, 'ca.crt'), ca.caCert);
    const tls = await ca.issue(['localhost']);
    server = new PostgresServer({ dir: join(root, 'postgres'), host: '127.0.0.1', subnet: '127.0.0.0/8', durable: false, log: () => undefined });
    await server.start();
    const registry = new AddonRegistry();
    redis = new RedisInstances({ dir: join(root, 'redis'), host: '127.0.0.1', durable: false, log: () => undefined });
    registry.register(new RedisProvider(redis));
    registry.register(new PostgresProvider({ target: async () => ({ admin: { host: server.endpoint.socketDir, port: server.endpoint.port, user: 'postgres', database: 'postgres' }, host: server.endpoint.host, port: server.endpoint.port }) }));
    api = await startApi({
      tls,
      overrides: { addons: registry },
      data: async ({ store, blobs }) => {
        const started = await startDataServices({ store, blobs, directory: new StoreAddonDirectory(store), log: () => {} });
        data = started.data;
        return started;
      },
    });
    const sink = new AddonLifecycle({ store: api.store, addons: registry, addonTimeoutMs: 30_000, logs: { emit: () => {} }, platform: api.platform, log: () => {}, urls: { webUrl: () => '', gitUrl: () => '', apiUrl: (p) => `${api.url}${p}` }, events: api.events });
    data.useProviders(() => providerHooks(registry, sink, api.store));
    key = (await api.createUser('official-pg@example.com')).key;
    const res = await api.request('/apps', { key, method: 'POST', body: JSON.stringify({ name: APP }) });
    assert.equal(res.status, 201);
  });

  after(async () => {
    // SupervisedServer.stop() waits for its unref'd jail child's exit with an unref'd timer: with
    // nothing else left in the event loop node would end the run before it resolves. Keep the
    // loop alive until the servers are down (reported to the lead as a bug in supervised-server.ts).
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await api?.close();
      await redis?.stopAll();
      await server?.stop();
    } finally {
      clearInterval(keepAlive);
    }
    await ca?.remove();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('addons:create makes a database the app sees as DATABASE_URL', async (t) => {
    const created = await heroku(t, 'addons:create', 'heroku-postgresql:essential-0', '-a', APP);
    assert.equal(created.code, 0, describeResult(created));
    assert.match(await databaseUrl(), /^postgres:\/\/u[0-9a-f]+:[0-9a-f]+@127\.0\.0\.1:\d+\/d[0-9a-f]+$/);
  });

  it('pg:psql -c runs SQL with psql on this host against the add-on', async (t) => {
    const r = await heroku(t, 'pg:psql', '-a', APP, '-c', "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('from the official CLI'); SELECT body FROM notes");
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /from the official CLI/);
  });

  it('pg:info shows the database with its live facts', async (t) => {
    const r = await heroku(t, 'pg:info', '-a', APP);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /=== DATABASE_URL/);
    assert.match(r.stdout, /Status: +Available/);
    assert.match(r.stdout, /Tables: +1/);
    assert.match(r.stdout, /PG Version: +\d+/);
    assert.match(r.stdout, /Add-on: +postgresql-[a-z]+-\d+/);
  });

  it('pg:backups:capture captures b001, which pg:backups lists as completed', async (t) => {
    const r = await heroku(t, 'pg:backups:capture', '-a', APP, '--wait-interval', '1');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(flat(r.stderr + r.stdout), /Backing up DATABASE to b001/);
    const list = await heroku(t, 'pg:backups', '-a', APP);
    assert.equal(list.code, 0, describeResult(list));
    assert.match(list.stdout, /b001 .*Completed .*DATABASE/);
  });

  it('pg:credentials:rotate gives the app a new URL and the old one stops working', async (t) => {
    const before = await databaseUrl();
    const r = await heroku(t, 'pg:credentials:rotate', '-a', APP, '--confirm', APP);
    assert.equal(r.code, 0, describeResult(r));
    const afterUrl = await databaseUrl();
    assert.notEqual(afterUrl, before);
    const client = new pg.Client({ connectionString: afterUrl });
    client.on('error', () => {});
    await client.connect();
    assert.equal((await client.query<{ body: string }>('SELECT body FROM notes')).rows[0]?.body, 'from the official CLI');
    await client.end();
    const old = new pg.Client({ connectionString: before });
    old.on('error', () => {});
    await assert.rejects(old.connect());
    await old.end().catch(() => {});
  });

  it('pg:backups:restore brings back a table dropped after the backup', async (t) => {
    const drop = await heroku(t, 'pg:psql', '-a', APP, '-c', 'DROP TABLE notes');
    assert.equal(drop.code, 0, describeResult(drop));
    const r = await heroku(t, 'pg:backups:restore', 'b001', 'DATABASE', '-a', APP, '--confirm', APP, '--wait-interval', '1');
    assert.equal(r.code, 0, describeResult(r));
    const back = await heroku(t, 'pg:psql', '-a', APP, '-c', 'SELECT body FROM notes');
    assert.match(back.stdout, /from the official CLI/);
  });

  it('pg:backups:url prints a URL that serves b001, and pg:backups:download saves the same dump', async (t) => {
    const url = await heroku(t, 'pg:backups:url', 'b001', '-a', APP);
    assert.equal(url.code, 0, describeResult(url));
    assert.match(url.stdout.trim(), /^https:\/\/localhost:\d+\//);
    const dump = await new Promise<Buffer>((resolve, reject) => {
      get(url.stdout.trim(), { ca: ca.caCert }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET backup URL: ${res.statusCode}`)))).on('error', reject);
      }).on('error', reject);
    });
    assert.equal(dump.subarray(0, 5).toString('latin1'), 'PGDMP', 'a pg_dump custom-format archive');
    const output = join(root, 'b001.dump');
    const downloaded = await heroku(t, 'pg:backups:download', 'b001', '-a', APP, '--output', output);
    assert.equal(downloaded.code, 0, describeResult(downloaded));
    assert.ok(dump.equals(await readFile(output)), 'the download is the dump the URL serves');
  });

  it('pg:backups:schedule, pg:backups:schedules and pg:backups:unschedule manage the daily backup', async (t) => {
    const scheduled = await heroku(t, 'pg:backups:schedule', 'DATABASE_URL', '--at', '02:00 Europe/Paris', '-a', APP);
    assert.equal(scheduled.code, 0, describeResult(scheduled));
    assert.match(flat(scheduled.stderr), /Scheduling automatic daily backups of postgresql-[a-z]+-\d+ at 02:00 Europe\/Paris\.\.\. done/);
    const listed = await heroku(t, 'pg:backups:schedules', '-a', APP);
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(flat(listed.stdout), /DATABASE_URL: daily at 2:00 Europe\/Paris/);
    const unscheduled = await heroku(t, 'pg:backups:unschedule', 'DATABASE_URL', '-a', APP);
    assert.equal(unscheduled.code, 0, describeResult(unscheduled));
    const none = await heroku(t, 'pg:backups:schedules', '-a', APP);
    assert.match(flat(none.stderr + none.stdout), /No backup schedules found/);
  });

  it('pg:backups:info, pg:credentials:url and pg:wait describe the backup, the credential and the database', async (t) => {
    const info = await heroku(t, 'pg:backups:info', 'b001', '-a', APP);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(flat(info.stdout), /=== Backup b001 Database: DATABASE Started at: .* Status: Completed/);
    const credential = await heroku(t, 'pg:credentials:url', '-a', APP);
    assert.equal(credential.code, 0, describeResult(credential));
    assert.ok(credential.stdout.includes(await databaseUrl()), describeResult(credential));
    const waited = await heroku(t, 'pg:wait', '-a', APP);
    assert.equal(waited.code, 0, describeResult(waited));
  });

  it('pg:records-rank, pg:table-size and pg:cache-hit run their diagnostic queries through psql against the add-on', async (t) => {
    const rank = await heroku(t, 'pg:records-rank', '-a', APP);
    assert.equal(rank.code, 0, describeResult(rank));
    assert.match(rank.stdout, /name +\| +estimated_count/);
    assert.match(rank.stdout, /notes +\|/);
    const size = await heroku(t, 'pg:table-size', '-a', APP);
    assert.equal(size.code, 0, describeResult(size));
    assert.match(size.stdout, /notes +\| +\d+ (bytes|kB)/);
    const hits = await heroku(t, 'pg:cache-hit', '-a', APP);
    assert.equal(hits.code, 0, describeResult(hits));
    assert.match(hits.stdout, /index hit rate/);
    assert.match(hits.stdout, /table hit rate/);
  });

  it('pg:copy copies DATABASE into a second database after confirmation', async (t) => {
    const second = await heroku(t, 'addons:create', 'heroku-postgresql:essential-0', '-a', APP, '--as', 'COPY_TARGET');
    assert.equal(second.code, 0, describeResult(second));
    const target = (await api.store.configVars.get((await api.store.apps.findByName(APP))!.id)) as Record<string, string>;
    assert.ok(target.COPY_TARGET_URL);
    const copied = await heroku(t, 'pg:copy', 'DATABASE_URL', 'COPY_TARGET_URL', '-a', APP, '--confirm', 'COPY_TARGET', '--wait-interval', '1');
    assert.equal(copied.code, 0, describeResult(copied));
    const client = new pg.Client({ connectionString: target.COPY_TARGET_URL });
    client.on('error', () => {});
    await client.connect();
    try {
      assert.equal((await client.query<{ body: string }>('SELECT body FROM notes')).rows[0]?.body, 'from the official CLI');
    } finally {
      await client.end();
    }
  });

  it('pg:reset empties the database after confirmation', async (t) => {
    const reset = await heroku(t, 'pg:reset', 'COPY_TARGET_URL', '-a', APP, '--confirm', APP);
    assert.equal(reset.code, 0, describeResult(reset));
    const tables = await heroku(t, 'pg:psql', 'COPY_TARGET_URL', '-a', APP, '-c', "SELECT count(*) AS tables FROM pg_tables WHERE schemaname = 'public'");
    assert.equal(tables.code, 0, describeResult(tables));
    assert.match(tables.stdout, /tables\s*-+\s*0\s/);
  });

  it('redis:info, redis:maxmemory and redis:cli work on a heroku-redis add-on', async (t) => {
    const created = await heroku(t, 'addons:create', 'heroku-redis:mini', '-a', APP);
    assert.equal(created.code, 0, describeResult(created));
    const info = await heroku(t, 'redis:info', '-a', APP);
    assert.equal(info.code, 0, describeResult(info));
    assert.match(info.stdout, /=== redis-[a-z]+-\d+ \(REDIS_URL\)/);
    assert.match(info.stdout, /Version: +\d+\.\d+/);
    const policy = await heroku(t, 'redis:maxmemory', '-a', APP, '--policy', 'allkeys-lru');
    assert.equal(policy.code, 0, describeResult(policy));
    assert.match(policy.stdout, /set to allkeys-lru/);
    assert.match((await heroku(t, 'redis:info', '-a', APP)).stdout, /allkeys-lru/);
    const cli = await withInput(t, ['redis:cli', '-a', APP, '--confirm', APP], 'SET greeting hello\nGET greeting\n');
    assert.equal(cli.code, 0, describeResult(cli));
    assert.match(cli.stdout, /hello/);
  });
});
