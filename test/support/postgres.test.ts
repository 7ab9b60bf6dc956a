import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

import { findPostgresBinDir, locatePostgresBinDir, startThrowawayPostgres } from './postgres.js';
import type { ThrowawayPostgres } from './postgres.js';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Resolves with the connect error code, or 'connected' if something accepted the connection. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(2_000);
    sock.once('connect', () => {
      sock.destroy();
      resolve('connected');
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve('timeout');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('a throwaway PostgreSQL server', () => {
  let server: ThrowawayPostgres;

  before(async () => {
    const t0 = performance.now();
    server = await startThrowawayPostgres();
    console.log(`started on port ${server.port} in ${(performance.now() - t0).toFixed(0)} ms (${server.dir})`);
  });

  after(async () => {
    await server?.stop();
  });

  it('hands out a url on 127.0.0.1 for the postgres database as the postgres user', () => {
    assert.equal(server.url, `postgres://postgres@127.0.0.1:${server.port}/postgres`);
    assert.ok(server.port > 0 && server.port < 65536);
  });

  it('answers select 1', async () => {
    const rows = await withClient(server.url, async (c) => (await c.query('select 1 as one')).rows);
    assert.deepEqual(rows, [{ one: 1 }]);
  });

  it('round-trips a row through a table it created', async () => {
    const rows = await withClient(server.url, async (c) => {
      await c.query('create table greetings (id serial primary key, body text not null)');
      await c.query('insert into greetings (body) values ($1), ($2)', ['hello', 'héllo ✓']);
      return (await c.query('select id, body from greetings order by id')).rows;
    });
    assert.deepEqual(rows, [
      { id: 1, body: 'hello' },
      { id: 2, body: 'héllo ✓' },
    ]);
  });

  it('creates a second, empty database that can be connected to', async () => {
    const url = await server.createDatabase('berth_second');
    assert.equal(url, `postgres://postgres@127.0.0.1:${server.port}/berth_second`);
    const { db, tables } = await withClient(url, async (c) => ({
      db: (await c.query('select current_database() as db')).rows[0].db as string,
      tables: (await c.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0].n as number,
    }));
    assert.equal(db, 'berth_second');
    assert.equal(tables, 0, 'the new database does not see the other database’s tables');
  });

  it('quotes database names that need quoting', async () => {
    const url = await server.createDatabase('Odd "name"');
    const db = await withClient(url, async (c) => (await c.query('select current_database() as db')).rows[0].db as string);
    assert.equal(db, 'Odd "name"');
  });

  it('stops, after which its port refuses connections and its temp dir is gone', async () => {
    assert.ok(existsSync(server.dir));
    const t0 = performance.now();
    await server.stop();
    console.log(`stopped in ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(await probe(server.port), 'ECONNREFUSED');
    assert.equal(existsSync(server.dir), false);
    await server.stop(); // a second stop is a no-op
  });
});

describe('several throwaway servers', () => {
  it('run side by side on different ports', async () => {
    const servers = await Promise.all([startThrowawayPostgres(), startThrowawayPostgres()]);
    try {
      const [a, b] = servers as [ThrowawayPostgres, ThrowawayPostgres];
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.dir, b.dir);
      for (const s of servers) {
        const rows = await withClient(s.url, async (c) => (await c.query('select 2 as two')).rows);
        assert.deepEqual(rows, [{ two: 2 }]);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});

describe('locating the PostgreSQL binaries', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'berth-pgbin-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function fakeVersion(version: string, complete = true): Promise<string> {
    const bin = path.join(root, version, 'bin');
    await mkdir(bin, { recursive: true });
    for (const b of complete ? ['initdb', 'pg_ctl', 'postgres'] : ['pg_ctl']) {
      await writeFile(path.join(bin, b), '#!/bin/sh\n');
      await chmod(path.join(bin, b), 0o755);
    }
    return bin;
  }

  it('explains that scripts/install.sh is needed when no PostgreSQL is installed', () => {
    assert.equal(findPostgresBinDir(root), undefined);
    assert.throws(() => locatePostgresBinDir(root, { PATH: '' }), /scripts\/install\.sh/);
  });

  it('picks the newest complete major version', async () => {
    await fakeVersion('9.6');
    const v13 = await fakeVersion('13');
    await fakeVersion('16', false); // no initdb: ignored
    await mkdir(path.join(root, 'not-a-version', 'bin'), { recursive: true });
    assert.equal(findPostgresBinDir(root), v13);
    const v15 = await fakeVersion('15');
    assert.equal(locatePostgresBinDir(root, { PATH: '' }), v15);
  });
});
