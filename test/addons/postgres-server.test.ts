// Berth's own PostgreSQL server for add-ons: initialised under a private (0700) data dir, run as
// the postgres user, restarted after it dies, adopted by a second supervisor (a new agent), and
// its pg_hba.conf admits only the dyno subnet with passwords.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresServer } from '../../src/addons/postgres-server.js';
import { processAlive } from '../../src/addons/supervised-server.js';

describe('the add-on PostgreSQL server', () => {
  let root: string;
  let server: PostgresServer;
  const logs: string[] = [];
  const options = () => ({ dir: join(root, 'addons', 'postgres'), host: '127.0.0.1', subnet: '127.0.0.0/8', durable: false, log: (m: string) => logs.push(m) });
  const superuser = async (sql: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ host: server.endpoint.socketDir, port: server.endpoint.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-pgserver-')); // 0700 and root-owned, like ~/.berth
    server = new PostgresServer(options());
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('initialises a cluster in a data dir the postgres user cannot traverse, and starts it', async () => {
    assert.equal(await server.start(), 'started');
    assert.equal(server.supervisor?.state, 'running');
    const result = await superuser("SELECT current_user AS who, current_setting('listen_addresses') AS listen");
    assert.deepEqual(result.rows[0], { who: 'postgres', listen: '127.0.0.1' });
  });

  it('writes pg_hba.conf admitting the superuser on the socket and the dyno subnet by password', async () => {
    const hba = await readFile(join(root, 'addons', 'postgres', 'data', 'pg_hba.conf'), 'utf8');
    const rules = hba.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/).join(' '));
    assert.deepEqual(rules, ['local all postgres peer map=berth', 'host samerole all 127.0.0.0/8 scram-sha-256']);
  });

  it('refuses the superuser over TCP', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: server.endpoint.port, user: 'postgres', password: 'guess', database: 'postgres' });
    await assert.rejects(client.connect(), /no pg_hba.conf entry|password authentication failed/);
  });

  it('restarts the server after it is killed, keeping its data and port', async () => {
    await superuser('CREATE TABLE survivors (name text); INSERT INTO survivors VALUES (\'kept\')');
    const before = server.supervisor!.pid!;
    process.kill(before, 'SIGKILL');
    await server.supervisor!.whenRestarted(0);
    assert.equal(server.supervisor!.restarts, 1);
    assert.notEqual(server.supervisor!.pid, before);
    const rows = await superuser('SELECT name FROM survivors');
    assert.deepEqual(rows.rows, [{ name: 'kept' }]);
    assert.ok(logs.some((l) => /postgres exited .*restarting/.test(l)), logs.join('\n'));
  });

  it('is adopted, not restarted, by a new supervisor while it runs', async () => {
    const pid = server.supervisor!.pid!;
    const second = new PostgresServer(options());
    assert.equal(await second.start(), 'adopted');
    assert.equal(second.supervisor!.pid, pid);
    assert.equal(second.endpoint.port, server.endpoint.port);
    // The old supervisor lets go without stopping it (as a dead agent would).
    server.release();
    server = second;
    assert.equal((await superuser('SELECT 1 AS one')).rows[0].one, 1);
  });

  it('restarts an adopted server (not its child) when it dies', async () => {
    const pid = server.supervisor!.pid!;
    const restarts = server.supervisor!.restarts;
    process.kill(pid, 'SIGKILL');
    await server.supervisor!.whenRestarted(restarts);
    assert.notEqual(server.supervisor!.pid, pid);
    assert.deepEqual((await superuser('SELECT name FROM survivors')).rows, [{ name: 'kept' }]);
  });

  it('stops on request and starts again with the same port', async () => {
    const pid = server.supervisor!.pid!;
    const port = server.endpoint.port;
    await server.stop();
    assert.equal(processAlive(pid), false);
    server = new PostgresServer(options());
    assert.equal(await server.start(), 'started');
    assert.equal(server.endpoint.port, port);
  });
});
