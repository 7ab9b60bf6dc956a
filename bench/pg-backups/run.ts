// Backup and restore throughput of Berth's PGBackups (prints JSON): a database of SIZE MB on a
// throwaway PostgreSQL server (test/support/postgres.ts, in /dev/shm, durability off) is captured
// with the same code `pg:backups:capture` runs (pg_dump -Fc into the local blob store on disk) and
// restored with the code of `pg:backups:restore` (pg_restore --clean --if-exists --no-owner into
// an empty database of another role).
// Usage: node dist/bench/pg-backups/run.js [--size-mb 1024]
// MB/s are of the database's on-disk size (pg_database_size), the number a user knows.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { captureBackup, restoreBackup, type TransferWatch } from '../../src/addons/pg-transfer-runner.js';
import { startThrowawayPostgres } from '../../test/support/postgres.js';
import { sql } from '../../test/support/pg-query.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const MB = 1024 * 1024;
const note = (text: string) => process.stderr.write(`${text}\n`);

const quiet: TransferWatch = { progress: () => {}, log: () => {} };

async function main(): Promise<void> {
  const sizeMb = flag('size-mb', 1024);
  const server = await startThrowawayPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'berth-bench-pgbackups-'));
  try {
    const roleDb = async (name: string) => {
      await sql(server.url, `CREATE ROLE ${name} LOGIN PASSWORD 'bench'`);
      await sql(server.url, `CREATE DATABASE ${name} OWNER ${name}`);
      return `postgres://${name}:bench@127.0.0.1:${server.port}/${name}`;
    };
    const source = await roleDb('bench_source');
    const target = await roleDb('bench_target');
    note(`filling ${sizeMb} MB…`);
    const fillStarted = performance.now();
    // Rows of ~300 bytes: an id, a timestamp, an integer, random hex text (128 chars; compresses about 2:1,
    // like typical app data), plus a btree index on the integer.
    await sql(source, 'CREATE TABLE events (id bigserial PRIMARY KEY, at timestamptz NOT NULL, kind int NOT NULL, body text NOT NULL)');
    for (;;) {
      const [row] = await sql<{ size: string }>(source, 'SELECT pg_database_size(current_database())::text AS size');
      if (Number(row?.size) >= sizeMb * MB) break;
      await sql(source, "INSERT INTO events (at, kind, body) SELECT now() - g * interval '1 second', g % 97, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) FROM generate_series(1, 200000) g");
    }
    await sql(source, 'CREATE INDEX events_kind ON events (kind)');
    const [{ size } = { size: '0' }] = await sql<{ size: string }>(source, 'SELECT pg_database_size(current_database())::text AS size');
    const [{ rows } = { rows: '0' }] = await sql<{ rows: string }>(source, 'SELECT count(*)::text AS rows FROM events');
    note(`filled ${round(Number(size) / MB)} MB (${rows} rows) in ${round((performance.now() - fillStarted) / 1000)} s`);

    const blobs = new LocalBlobStore(join(dir, 'blobs'));
    note('capturing…');
    const loadBefore = loadavg()[0] ?? 0;
    const c0 = performance.now();
    const captured = await captureBackup({ url: source, blobs, key: 'bench/b001.dump', watch: quiet, timeoutMs: 3_600_000 });
    const captureS = (performance.now() - c0) / 1000;
    note(`captured ${round(captured.processedBytes / MB)} MB in ${round(captureS)} s; restoring…`);
    const r0 = performance.now();
    const restored = await restoreBackup({ url: target, source: await blobs.get('bench/b001.dump'), watch: quiet, timeoutMs: 3_600_000 });
    const restoreS = (performance.now() - r0) / 1000;
    const [{ rows: back } = { rows: '0' }] = await sql<{ rows: string }>(target, 'SELECT count(*)::text AS rows FROM events');
    const sourceMb = Number(size) / MB;
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'pg-backups',
          database_mb: round(sourceMb),
          rows: Number(rows),
          backup_file_mb: round(captured.processedBytes / MB),
          capture_seconds: round(captureS, 2),
          capture_mb_per_s: round(sourceMb / captureS),
          restore_seconds: round(restoreS, 2),
          restore_mb_per_s: round(sourceMb / restoreS),
          restore_warnings: restored.warnings,
          rows_restored: Number(back),
          cores: cpus().length,
          loadavg_1m_before: round(loadBefore, 2),
          loadavg_1m_after: round(loadavg()[0] ?? 0, 2),
          pg_dump: 'pg_dump -Fc --no-owner --no-acl (default compression)',
          pg_restore: 'pg_restore --clean --if-exists --no-owner --no-acl, one job, from the blob on disk',
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
