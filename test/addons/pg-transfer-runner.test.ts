import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { captureBackup, copyDatabase, PgTransferError, restoreBackup, type TransferWatch } from '../../src/addons/pg-transfer-runner.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';

const LIMITS = { timeoutMs: 120_000 };

function recorder(): TransferWatch & { lines: string[]; bytes: number } {
  const w = { lines: [] as string[], bytes: 0, progress: (n: number) => void (w.bytes = n), log: (line: string) => void w.lines.push(line) };
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

/** A database owned by its own non-superuser role, as an add-on's is; returns the role's URL. */
async function addonDatabase(server: ThrowawayPostgres, name: string): Promise<string> {
  await query(server.url, `CREATE ROLE ${name} LOGIN PASSWORD 'pw-${name}'`);
  await query(server.url, `CREATE DATABASE ${name} OWNER ${name}`);
  return `postgres://${name}:pw-${name}@127.0.0.1:${server.port}/${name}`;
}

describe('pg transfers on a real PostgreSQL server', () => {
  let server: ThrowawayPostgres;
  let dir: string;
  let blobs: LocalBlobStore;
  let source: string;

  before(async () => {
    server = await startThrowawayPostgres();
    dir = await mkdtemp(join(tmpdir(), 'berth-pgtransfer-'));
    blobs = new LocalBlobStore(join(dir, 'blobs'));
    source = await addonDatabase(server, 'source_db');
    await query(source, 'CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL)');
    await query(source, "INSERT INTO widgets (name) SELECT 'widget ' || g FROM generate_series(1, 1000) g");
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('captures a database as a pg_dump -Fc blob and restores it into another role’s database', async () => {
    const watch = recorder();
    const captured = await captureBackup({ url: source, blobs, key: 'backups/app/b001.dump', watch, ...LIMITS });
    assert.ok(captured.processedBytes > 0 && captured.sourceBytes > 0);
    assert.equal((await blobs.stat('backups/app/b001.dump'))?.size, captured.processedBytes);
    assert.ok(watch.lines.some((l) => l.includes('pg_dump')), 'pg_dump --verbose lines are logged');

    const target = await addonDatabase(server, 'target_db');
    await query(target, 'CREATE TABLE widgets (id int, junk text)');
    const restored = await restoreBackup({ url: target, source: await blobs.get('backups/app/b001.dump'), watch: recorder(), ...LIMITS });
    assert.equal(restored.processedBytes, captured.processedBytes);
    const rows = await query<{ n: string; owner: string }>(target, "SELECT count(*)::text AS n, (SELECT tableowner FROM pg_tables WHERE tablename = 'widgets') AS owner FROM widgets");
    assert.deepEqual(rows[0], { n: '1000', owner: 'target_db' }, 'the old table was replaced and the restored one belongs to the target role');
  });

  it('copies one database into another with pg_dump piped into pg_restore', async () => {
    const target = await addonDatabase(server, 'copy_db');
    const copied = await copyDatabase({ fromUrl: source, toUrl: target, watch: recorder(), ...LIMITS });
    assert.ok(copied.processedBytes > 0);
    assert.equal((await query<{ n: string }>(target, 'SELECT count(*)::text AS n FROM widgets'))[0]?.n, '1000');
  });

  it('fails a restore of something that is not a backup with pg_restore’s own words', async () => {
    const target = await addonDatabase(server, 'garbage_db');
    await assert.rejects(
      restoreBackup({ url: target, source: Readable.from([Buffer.from('this is not a dump')]), watch: recorder(), ...LIMITS }),
      (err: unknown) => err instanceof PgTransferError && /pg_restore exited with status 1: .*(valid archive|input file)/s.test(err.message),
    );
  });

  it('fails a capture cleanly when the PostgreSQL server is down: a clear message and no blob', async () => {
    const down = await startThrowawayPostgres();
    const url = await down.createDatabase('gone');
    await down.stop();
    await assert.rejects(
      captureBackup({ url, blobs, key: 'backups/app/b009.dump', watch: recorder(), ...LIMITS }),
      (err: unknown) => err instanceof PgTransferError && /connection refused\. The server is not running/.test(err.message),
    );
    assert.equal(await blobs.exists('backups/app/b009.dump'), false);
  });

  it('fails a capture whose server goes down in the middle: a clear message and no blob', async () => {
    const dying = await startThrowawayPostgres();
    try {
      const url = await dying.createDatabase('dying');
      await query(url, 'CREATE TABLE bulk AS SELECT g AS id, md5(random()::text) || md5(random()::text) || md5(random()::text) AS payload FROM generate_series(1, 600000) g');
      let firstBytes!: () => void;
      const flowing = new Promise<void>((resolve) => (firstBytes = resolve));
      const watch = { ...recorder(), progress: () => firstBytes() };
      // Settled into a value at once: the capture fails while the server is still stopping.
      const outcome = captureBackup({ url, blobs, key: 'backups/app/b011.dump', watch, ...LIMITS }).then(() => undefined, (err: unknown) => err);
      await flowing;
      await dying.stop();
      const err = await outcome;
      assert.ok(err instanceof PgTransferError && /^pg_dump exited with status 1: .*(terminating connection|server closed the connection|connection to server)/s.test(err.message), String(err));
      assert.equal(await blobs.exists('backups/app/b011.dump'), false);
      assert.deepEqual(await readdir(join(dir, 'blobs', '.tmp')), [], 'no partial file is left in the blob store');
    } finally {
      await dying.stop();
    }
  });

  it('stops a capture that is canceled part-way and keeps no blob', async () => {
    await query(source, 'CREATE TABLE big AS SELECT g AS id, md5(random()::text) || md5(random()::text) || md5(random()::text) AS payload FROM generate_series(1, 400000) g');
    try {
      const abort = new AbortController();
      const watch = { ...recorder(), progress: () => abort.abort() };
      await assert.rejects(
        captureBackup({ url: source, blobs, key: 'backups/app/b012.dump', watch, ...LIMITS, signal: abort.signal }),
        (err: unknown) => err instanceof PgTransferError && err.message === 'pg_dump was canceled.',
      );
      assert.equal(await blobs.exists('backups/app/b012.dump'), false);
    } finally {
      await query(source, 'DROP TABLE big');
    }
  });

  it('fails a capture when the blob store’s disk fills up: partial blob removed, database untouched', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('mounting a small tmpfs needs root');
      return;
    }
    await query(source, 'CREATE TABLE bulk AS SELECT g AS id, md5(random()::text) || md5(random()::text) AS payload FROM generate_series(1, 40000) g');
    const mount = join(dir, 'tiny');
    await mkdir(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount], { timeout: 10_000 });
    try {
      const tiny = new LocalBlobStore(mount);
      const watch = recorder();
      await assert.rejects(
        captureBackup({ url: source, blobs: tiny, key: 'backups/app/b010.dump', watch, ...LIMITS }),
        (err: unknown) => err instanceof PgTransferError && /ran out of disk space after \d+ bytes.*partial backup was removed; the database was only read/.test(err.message),
      );
      assert.equal(await tiny.exists('backups/app/b010.dump'), false);
      assert.deepEqual(await readdir(join(mount, '.tmp')), [], 'no partial file is left in the blob store');
      assert.equal((await query<{ n: string }>(source, 'SELECT count(*)::text AS n FROM bulk'))[0]?.n, '40000');
      assert.equal((await query<{ n: string }>(source, 'SELECT count(*)::text AS n FROM widgets'))[0]?.n, '1000');
    } finally {
      execFileSync('umount', [mount], { timeout: 10_000 });
      await query(source, 'DROP TABLE bulk');
    }
  });
});
