// The add-on servers as dynos see them: real dynos on the instance bridge connect to PostgreSQL
// and Redis at the gateway address with psql and redis-cli (the stack's own clients) using the
// add-on URLs; another app's database stays closed; a restarted agent (adoption) and a clean
// stop and start keep every URL and the data. The runtime's host firewall is on, with the ports
// the servers announce (as the agent wires it): a host service on 0.0.0.0 stays closed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { AddonServers } from '../../src/addons/addon-servers.js';
import { postgresBinDir } from '../../src/addons/postgres-server.js';
import { PostgresProvider } from '../../src/addons/postgres-provider.js';
import type { AddonResource } from '../../src/addons/provider.js';
import { RedisProvider } from '../../src/addons/redis-provider.js';
import { hostAddress, parseCidr } from '../../src/runtime/subnet.js';
import { run, testRuntime, type TestRuntime } from '../runtime/support.js';
import { repoRoot } from '../support/repo-root.js';

const PSQL = join(postgresBinDir(), 'psql');

/** The `pg` package and its dependencies, copied from this repository's node_modules into `dir`. */
async function installPg(dir: string): Promise<void> {
  const seen = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (seen.has(name)) return;
    seen.add(name);
    const manifest = JSON.parse(await readFile(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    await cp(join(repoRoot(), 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
    for (const dep of Object.keys(manifest.dependencies ?? {})) await visit(dep);
  };
  await visit('pg');
}

// Run inside a dyno with the slug's own node_modules: the app's view of DATABASE_URL.
const PG_APP = `const { Client } = require('pg');
const c = new Client({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });
c.connect()
  .then(() => c.query('CREATE TABLE IF NOT EXISTS seen (v text)'))
  .then(() => c.query("INSERT INTO seen VALUES ('from a dyno') RETURNING v"))
  .then((r) => { console.log(r.rows[0].v); return c.end(); })
  .catch((e) => { console.log('failed: ' + e.message); process.exit(1); });
`;

describe('add-on servers seen from dynos', () => {
  let t: TestRuntime;
  let servers: AddonServers;
  let serverOptions: ConstructorParameters<typeof AddonServers>[0];
  let pgProvider: PostgresProvider;
  let redisProvider: RedisProvider;
  const urls: Record<string, string> = {};
  const appIds = { a: randomUUID(), b: randomUUID() };

  const resource = (plan: string, appId: string): AddonResource => ({ addonId: randomUUID(), addonName: `addon-${Math.floor(Math.random() * 1e5)}`, plan, providerId: null, appId, appName: 'app' });
  const providers = () => {
    pgProvider = new PostgresProvider({
      target: async () => {
        const e = await servers.ensurePostgres();
        return { admin: { host: e.socketDir, port: e.port, user: 'postgres', database: 'postgres' }, host: e.host, port: e.port };
      },
    });
    redisProvider = new RedisProvider(servers);
  };
  /** Runs `command` in a one-off dyno of `app` on the bridge; its stdout+stderr. */
  const inDyno = async (app: 'a' | 'b', command: string, env: Record<string, string>): Promise<string> => {
    const done = await run(t, { appId: appIds[app], network: 'bridge', command: `${command} 2>&1`, env });
    return done.stdout.trim();
  };

  before(async () => {
    t = await testRuntime();
    await t.runtime.prepare();
    const subnet = t.runtime.subnet;
    serverOptions = { dir: join(t.root, 'addons'), host: hostAddress(parseCidr(subnet)!, 1), subnet, durable: false, log: () => undefined, onPorts: (ports) => t.runtime.offerHostPorts(ports) };
    servers = new AddonServers(serverOptions);
    providers();
    for (const [key, plan, app, provider] of [['pgA', 'essential-0', 'a', 'pg'], ['pgB', 'essential-0', 'b', 'pg'], ['redisA', 'mini', 'a', 'redis']] as const) {
      const result = await (provider === 'pg' ? pgProvider : redisProvider).provision({ ...resource(plan, appIds[app]), options: {}, callbackUrl: '' });
      if (result.state !== 'provisioned') throw new Error('not provisioned');
      urls[key] = result.config.URL!;
    }
  });
  after(async () => {
    await servers.stopAll();
    await t.cleanup();
  });

  it('gives URLs on the bridge gateway, not on loopback', () => {
    const gateway = serverOptions.host;
    for (const url of Object.values(urls)) assert.equal(new URL(url).hostname, gateway);
  });

  it('lets a dyno use its PostgreSQL database with psql through the dyno network', async () => {
    const out = await inDyno('a', `${PSQL} "$DATABASE_URL" -tAc "CREATE TABLE t (v int); INSERT INTO t VALUES (41 + 1); SELECT v FROM t"`, { DATABASE_URL: urls.pgA! });
    assert.match(out, /^INSERT 0 1\n42$|^42$/m);
    assert.match(out, /42/);
  });

  it('lets an app in a dyno use the pg npm client on DATABASE_URL, over TLS', async () => {
    const slugDir = await t.slug({ 'app.js': PG_APP });
    await installPg(slugDir);
    const done = await run(t, { appId: appIds.a, network: 'bridge', command: 'node app.js 2>&1', env: { DATABASE_URL: urls.pgA! }, app: { kind: 'slug', slugDir } });
    assert.equal(done.stdout.trim(), 'from a dyno');
  });

  it("denies a dyno of app A that uses app B's host, port and database name with its own credentials", async () => {
    const stolen = new URL(urls.pgA!);
    stolen.pathname = new URL(urls.pgB!).pathname;
    const out = await inDyno('a', `${PSQL} "$DATABASE_URL" -tAc "SELECT 1"`, { DATABASE_URL: stolen.toString() });
    assert.match(out, /no pg_hba.conf entry/);
  });

  it('lets a dyno use its Redis with redis-cli, and refuses it without the password', async () => {
    assert.equal(await inDyno('a', 'redis-cli -u "$REDIS_URL" --no-auth-warning SET k v && redis-cli -u "$REDIS_URL" --no-auth-warning GET k', { REDIS_URL: urls.redisA! }), 'OK\nv');
    const bare = new URL(urls.redisA!);
    assert.match(await inDyno('b', `redis-cli -h ${bare.hostname} -p ${bare.port} GET k`, {}), /NOAUTH/);
  });

  it('keeps a host service listening on 0.0.0.0 closed to the same dyno that reaches its add-ons', async () => {
    const server: Server = createServer((socket) => socket.on('error', () => undefined).end('hello\n'));
    await new Promise<void>((resolve) => server.listen({ host: '0.0.0.0', port: 0 }, resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const probe = `timeout 3 bash -c 'exec 3<>/dev/tcp/${serverOptions.host}/${port}' && echo reached || echo closed`;
      assert.equal(await inDyno('a', `${probe}; redis-cli -u "$REDIS_URL" --no-auth-warning PING`, { REDIS_URL: urls.redisA! }), 'closed\nPONG');
    } finally {
      server.close();
    }
  });

  it('keeps URLs and data when a new agent adopts the servers, and after a clean stop and start', async () => {
    const pgPort = new URL(urls.pgA!).port;
    servers.releaseAll(); // the old agent dies without stopping them
    servers = new AddonServers(serverOptions);
    providers();
    await servers.startExisting();
    assert.deepEqual(servers.status().map((s) => s.state), ['running', 'running']);
    assert.match(await inDyno('a', `${PSQL} "$DATABASE_URL" -tAc "SELECT v FROM t"`, { DATABASE_URL: urls.pgA! }), /^42$/m);

    await servers.stopAll(); // a clean stop of berth up
    servers = new AddonServers(serverOptions);
    providers();
    await servers.startExisting();
    assert.equal(String(servers.status().find((s) => s.name === 'postgres')?.port), pgPort);
    assert.match(await inDyno('a', `${PSQL} "$DATABASE_URL" -tAc "SELECT v FROM t"`, { DATABASE_URL: urls.pgA! }), /^42$/m);
    assert.equal(await inDyno('a', 'redis-cli -u "$REDIS_URL" --no-auth-warning GET k', { REDIS_URL: urls.redisA! }), 'v');
  });
});
