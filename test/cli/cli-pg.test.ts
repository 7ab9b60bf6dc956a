import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { startDataServices } from '../../src/main/data-services.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { StoreAddonDirectory } from '../../src/main/store-addon-directory.js';
import { seedAddon } from '../support/seed-addons.js';
import { captureIo } from './capture-io.js';
import { sql } from '../support/pg-query.js';

let api: ApiHarness;
let server: ThrowawayPostgres;
let home: string;
let key: string;
let mainUrl: string;
let copyUrl: string;
const APP = 'pg-cli-app';

async function addonDb(name: string): Promise<string> {
  await sql(server.url, `CREATE ROLE ${name} LOGIN PASSWORD 'pw'`);
  await sql(server.url, `CREATE DATABASE ${name} OWNER ${name}`);
  return `postgres://${name}:pw@127.0.0.1:${server.port}/${name}`;
}

before(async () => {
  server = await startThrowawayPostgres();
  api = await startApi({ data: ({ store, blobs }) => startDataServices({ store, blobs, directory: new StoreAddonDirectory(store), log: () => {} }) });
  home = await mkdtemp(join(tmpdir(), 'berth-cli-pg-'));
  key = (await api.createUser('cli-pg@example.com')).key;
  const res = await api.request('/apps', { key, method: 'POST', body: JSON.stringify({ name: APP }) });
  const app = (await res.json()) as { id: string };
  mainUrl = await addonDb('cli_main');
  copyUrl = await addonDb('cli_copy');
  await sql(mainUrl, "CREATE TABLE songs (title text); INSERT INTO songs VALUES ('one'), ('two'), ('three')");
  await seedAddon(api.store, { appId: app.id, name: 'postgresql-solid-10001', url: mainUrl, attachments: [{ appId: app.id, name: 'DATABASE' }] });
  await seedAddon(api.store, { appId: app.id, name: 'postgresql-fluid-10002', url: copyUrl, attachments: [{ appId: app.id, name: 'HEROKU_POSTGRESQL_TEAL' }] });
});

after(async () => {
  await api?.close();
  await server?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function berth(...argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home }, cwd: home });
  const code = await runCli([...argv, '-a', APP], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('pg:info shows each database under its config vars with live facts', async () => {
  const info = await berth('pg:info');
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /=== DATABASE_URL\n/);
  assert.match(info.stdout, /=== HEROKU_POSTGRESQL_TEAL_URL\n/);
  assert.match(info.stdout, /Status: +Available/);
  assert.match(info.stdout, /PG Version: +\d+/);
  assert.match(info.stdout, /Add-on: +postgresql-solid-10001/);
});

test('a backup is captured, listed, described, downloaded, restored after a drop, and deleted', async () => {
  const capture = await berth('pg:backups:capture');
  assert.equal(capture.code, 0, capture.stderr);
  assert.match(capture.stdout, /^Backing up DATABASE to b001\.\.\. done \(/);

  const list = await berth('pg:backups');
  assert.match(list.stdout, /=== Backups\nID +Created at +Status +Size +Database\nb001 .* Completed .* DATABASE\n/);

  const info = await berth('pg:backups:info', 'b001');
  assert.match(info.stdout, /Status: +Completed/);
  assert.match(info.stdout, /pg_dump: dumping contents of table "public.songs"/);

  const download = await berth('pg:backups:download', '-o', 'b001.dump');
  assert.equal(download.code, 0, download.stderr);
  assert.equal((await readFile(join(home, 'b001.dump'))).subarray(0, 5).toString('latin1'), 'PGDMP');

  await sql(mainUrl, 'DROP TABLE songs');
  const unconfirmed = await berth('pg:backups:restore', 'b001');
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /This overwrites the data in postgresql-solid-10001 with backup b001\.\nTo proceed, run: berth pg:backups:restore b001 DATABASE -a pg-cli-app --confirm pg-cli-app/);
  const restore = await berth('pg:backups:restore', 'b001', 'DATABASE', '--confirm', APP);
  assert.equal(restore.code, 0, restore.stderr);
  assert.equal((await sql<{ n: string }>(mainUrl, 'SELECT count(*)::text AS n FROM songs'))[0]?.n, '3');

  const del = await berth('pg:backups:delete', 'b001', '--confirm', APP);
  assert.equal(del.code, 0, del.stderr);
  assert.match((await berth('pg:backups')).stdout, /No backups\. Capture one/);
});

test('restoring a backup that does not exist says so and changes nothing', async () => {
  const missing = await berth('pg:backups:restore', 'b099', '--confirm', APP);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Backup b099 not found for pg-cli-app\./);
  assert.equal((await sql<{ n: string }>(mainUrl, 'SELECT count(*)::text AS n FROM songs'))[0]?.n, '3');
});

test('pg:copy copies one database into another after confirmation', async () => {
  const copy = await berth('pg:copy', 'DATABASE', 'HEROKU_POSTGRESQL_TEAL', '--confirm', APP);
  assert.equal(copy.code, 0, copy.stderr);
  assert.match(copy.stdout, /Copying postgresql-solid-10001 to postgresql-fluid-10002\.\.\. done \(c\d{3}\)/);
  assert.equal((await sql<{ n: string }>(copyUrl, 'SELECT count(*)::text AS n FROM songs'))[0]?.n, '3');
});

test('daily backups are scheduled with --at, listed and unscheduled; a bad --at is a usage error', async () => {
  const bad = await berth('pg:backups:schedule', '--at', '2:30');
  assert.equal(bad.code, 2);
  const scheduled = await berth('pg:backups:schedule', '--at', '02:00 UTC');
  assert.equal(scheduled.code, 0, scheduled.stderr);
  assert.match(scheduled.stdout, /Scheduled daily backups of postgresql-solid-10001 at 02:00 UTC, keeping 7 daily and 4 weekly/);
  assert.match((await berth('pg:backups:schedules')).stdout, /DATABASE_URL: daily at 02:00 UTC/);
  assert.equal((await berth('pg:backups:unschedule')).code, 0);
  assert.match((await berth('pg:backups:schedules')).stdout, /No backup schedules/);
});

test('an unknown database lists the valid ones', async () => {
  const unknown = await berth('pg:backups:capture', 'PURPLE');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Valid options are: (DATABASE, HEROKU_POSTGRESQL_TEAL|HEROKU_POSTGRESQL_TEAL, DATABASE)/);
});
