// pg:copy from a tenant's URL: the source is connected to only through the egress guard, for
// every way of naming a refused address, and the copy works when the admin allows the range.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { copyDatabase, PgTransferError, type TransferWatch } from '../../src/addons/pg-transfer-runner.js';
import { libpqEnv } from '../../src/addons/pg-client-tools.js';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { startCountingServer, type CountingServer } from '../egress/targets.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';

const LIMITS = { timeoutMs: 120_000 };

function recorder(): TransferWatch & { lines: string[] } {
  const w = { lines: [] as string[], progress: () => {}, log: (line: string) => void w.lines.push(line) };
  return w;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('pg:copy from a URL outside Berth', () => {
  let server: ThrowawayPostgres;
  let forbidden: CountingServer;
  let target: string;

  before(async () => {
    server = await startThrowawayPostgres();
    forbidden = await startCountingServer('127.0.0.1');
    await query(server.url, "CREATE ROLE outside LOGIN PASSWORD 'pw-outside'");
    await query(server.url, 'CREATE DATABASE outside OWNER outside');
    await query(`postgres://outside:pw-outside@127.0.0.1:${server.port}/outside`, "CREATE TABLE secrets AS SELECT 'host data' AS note");
    await query(server.url, "CREATE ROLE target_db LOGIN PASSWORD 'pw-target'");
    await query(server.url, 'CREATE DATABASE target_db OWNER target_db');
    target = `postgres://target_db:pw-target@127.0.0.1:${server.port}/target_db`;
  });

  after(async () => {
    await forbidden?.close();
    await server?.stop();
  });

  const attacks = (port: () => number) => [
    ['the loopback address', () => `postgres://u:p@127.0.0.1:${port()}/db`],
    ['the cloud metadata address 169.254.169.254', () => 'postgres://u:p@169.254.169.254:5432/db'],
    ['a DNS name resolving to 127.0.0.1 (localhost)', () => `postgres://u:p@localhost:${port()}/db`],
    ['an IPv6-mapped loopback address', () => `postgres://u:p@[::ffff:127.0.0.1]:${port()}/db`],
  ] as const;

  for (const [what, url] of attacks(() => forbidden.port)) {
    it(`refuses a source at ${what} without connecting to it`, async () => {
      const before = forbidden.connections;
      await assert.rejects(
        copyDatabase({ fromUrl: url(), toUrl: target, watch: recorder(), fromGuard: new EgressGuard(), ...LIMITS }),
        (err: unknown) => err instanceof PgTransferError && /refused by policy/.test(err.message) && /Nothing was transferred/.test(err.message),
      );
      assert.equal(forbidden.connections, before, 'no connection reached the address');
    });
  }

  it('refuses a URL whose host is a unix socket path or whose database name holds connection settings', async () => {
    const guard = new EgressGuard(['127.0.0.0/8']);
    await assert.rejects(copyDatabase({ fromUrl: 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/postgres', toUrl: target, watch: recorder(), fromGuard: guard, ...LIMITS }), /DNS name or an IP address/);
    await assert.rejects(copyDatabase({ fromUrl: 'postgres://u:p@example.invalid/host%3D127.0.0.1%20dbname%3Dpostgres', toUrl: target, watch: recorder(), fromGuard: guard, ...LIMITS }), /may not hold connection settings/);
    await assert.rejects(copyDatabase({ fromUrl: `postgres://u:p@10.213.7.9:5432/db?host=127.0.0.1&port=${server.port}`, toUrl: target, watch: recorder(), fromGuard: new EgressGuard(), ...LIMITS }), /refused by policy/);
  });

  it('copies from an outside URL in a range the admin allows (--allow-private-urls)', async () => {
    const guard = new EgressGuard(['127.0.0.0/8', '::1/128']);
    const copied = await copyDatabase({ fromUrl: `postgres://outside:pw-outside@localhost:${server.port}/outside`, toUrl: target, watch: recorder(), fromGuard: guard, ...LIMITS });
    assert.ok(copied.processedBytes > 0);
    assert.deepEqual(await query(target, 'SELECT note FROM secrets'), [{ note: 'host data' }]);
  });

  it('pins pg_dump to the address the guard checked and never offers a password file', () => {
    const env = libpqEnv('postgres://u:p@db.example.com:6543/app?sslmode=require', { PGHOST: 'inherited', PATH: '/bin' }, '203.0.113.7');
    assert.deepEqual([env.PGHOST, env.PGHOSTADDR, env.PGPORT, env.PGDATABASE, env.PGSSLMODE, env.PGPASSFILE, env.PATH], ['db.example.com', '203.0.113.7', '6543', 'app', 'require', '/dev/null', '/bin']);
  });
});
