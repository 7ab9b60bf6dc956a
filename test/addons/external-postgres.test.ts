// `--addons-postgres-url`: heroku-postgresql add-ons on an admin's existing server instead of
// Berth's own. The throwaway server trusts every local connection (no passwords at all), so
// what keeps app A out of app B's database there is CONNECT revoked from PUBLIC alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresProvider } from '../../src/addons/postgres-provider.js';
import { externalPostgres } from '../../src/main/addon-providers.js';
import { parseUpOptions } from '../../src/main/options.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('heroku-postgresql on an existing server (--addons-postgres-url)', () => {
  let server: ThrowawayPostgres;
  let provider: PostgresProvider;
  const provision = async (): Promise<string> => {
    const result = await provider.provision({ addonId: randomUUID(), addonName: 'postgresql-ext-1', plan: 'essential-0', appId: randomUUID(), appName: 'app', options: {}, callbackUrl: '' });
    if (result.state !== 'provisioned') throw new Error('not provisioned');
    return result.config.URL!;
  };

  before(async () => {
    server = await startThrowawayPostgres();
    const target = externalPostgres(server.url);
    provider = new PostgresProvider({ target: async () => target });
  });
  after(async () => {
    await server.stop();
  });

  it("gives URLs on the server's own host and port", async () => {
    const url = new URL(await provision());
    assert.equal(url.host, `127.0.0.1:${server.port}`);
  });

  it("keeps app A out of app B's database by the CONNECT privilege alone", async () => {
    const a = await provision();
    const b = await provision();
    await query(a, 'CREATE TABLE mine (v int)');
    const stolen = new URL(a);
    stolen.pathname = new URL(b).pathname;
    await assert.rejects(query(stolen.toString(), 'SELECT 1'), /permission denied for database/);
  });

  it('refuses a flag value that is not a postgres:// URL, naming the expected form', () => {
    assert.throws(() => parseUpOptions(['--addons-postgres-url', 'mysql://db/x'], {}), /--addons-postgres-url must be a superuser URL such as postgres:\/\//);
    assert.throws(() => externalPostgres('http://db:5432/x'), /must start with postgres:\/\//);
    const options = parseUpOptions(['--addons-postgres-url', server.url], {});
    assert.ok(options !== 'help' && options.addonsPostgresUrl === server.url);
  });
});
