import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startDataServices, type DataServices } from '../../src/main/data-services.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { StoreAddonDirectory } from '../../src/main/store-addon-directory.js';
import { seedAddon } from '../support/seed-addons.js';
import { newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';
import { sql } from '../support/pg-query.js';
import type { TransferJson } from '../../src/cli/pg-data.js';


let server: ThrowawayPostgres;
let api: ApiHarness;
let data: DataServices;
let dev: { key: string };
let stranger: { key: string };
let app: { id: string; name: string };
let mainUrl: string;
let redUrl: string;
let MAIN: string;
let RED: string;
let DOWN: string;

async function addonDb(name: string): Promise<string> {
  await sql(server.url, `CREATE ROLE ${name} LOGIN PASSWORD 'secret-${name}'`);
  await sql(server.url, `CREATE DATABASE ${name} OWNER ${name}`);
  return `postgres://${name}:secret-${name}@127.0.0.1:${server.port}/${name}`;
}

before(async () => {
  server = await startThrowawayPostgres();
  api = await startApi({
    data: async ({ store, blobs }) => {
      const started = await startDataServices({ store, blobs, directory: new StoreAddonDirectory(store), log: () => {} });
      data = started.data;
      return started;
    },
  });
  dev = await api.createUser('pg-dev@example.com');
  stranger = await api.createUser('pg-stranger@example.com');
  app = await newApp(api, dev.key, 'pgapp');
  mainUrl = await addonDb('db_main');
  redUrl = await addonDb('db_red');
  await sql(mainUrl, "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('kept'), ('safe')");
  MAIN = (await seedAddon(api.store, { appId: app.id, name: 'postgresql-curved-12345', url: mainUrl, attachments: [{ appId: app.id, name: 'DATABASE' }] })).id;
  RED = (await seedAddon(api.store, { appId: app.id, name: 'postgresql-rigid-23456', url: redUrl, attachments: [{ appId: app.id, name: 'HEROKU_POSTGRESQL_RED' }] })).id;
  DOWN = (await seedAddon(api.store, { appId: app.id, name: 'postgresql-gone-34567', url: 'postgres://x:y@127.0.0.1:1/gone', attachments: [{ appId: app.id, name: 'HEROKU_POSTGRESQL_GRAY' }] })).id;
});

after(async () => {
  await api?.close();
  await server?.stop();
});

const post = (path: string, body: unknown = {}, key = dev.key) => api.request(path, { key, method: 'POST', body: jsonBody(body) });

/** Starts a transfer through the API and waits for the transfer service to finish it. */
async function transfer(path: string, body: unknown = {}): Promise<TransferJson> {
  const started = await expectJson<TransferJson>(await post(path, body), 201);
  await data.transferFinished(started.uuid);
  return expectJson<TransferJson>(await api.request(`/client/v11/apps/${app.name}/transfers/${started.num}?verbose=true`, { key: dev.key }), 200);
}

describe('Heroku PGBackups on Berth (/client/v11)', () => {
  let b1: TransferJson;

  it('captures a backup as b001: pg_dump -Fc into the blob store, with its log', async () => {
    b1 = await transfer(`/client/v11/databases/${MAIN}/backups`);
    assert.equal(b1.succeeded, true, b1.error ?? '');
    assert.equal(b1.name, 'b001');
    assert.deepEqual([b1.from_name, b1.from_type, b1.to_type], ['DATABASE', 'pg_dump', 'gof3r']);
    assert.ok(b1.processed_bytes > 0 && b1.source_bytes > 0);
    assert.ok(b1.logs?.some((l) => /pg_dump: dumping contents of table "public.notes"/.test(l.message)), 'the verbose log holds pg_dump lines');
    const list = await expectJson<TransferJson[]>(await api.request(`/client/v11/apps/${app.name}/transfers`, { key: dev.key }), 200);
    assert.deepEqual(list.map((t) => t.name), ['b001']);
  });

  it('restores b001 after the table was dropped: the data is back', async () => {
    await sql(mainUrl, 'DROP TABLE notes');
    const r = await transfer(`/client/v11/databases/${MAIN}/restores`, { backup_url: b1.to_url });
    assert.equal(r.succeeded, true, r.error ?? '');
    assert.equal(r.name, 'r002');
    assert.deepEqual((await sql<{ body: string }>(mainUrl, 'SELECT body FROM notes ORDER BY id')).map((n) => n.body), ['kept', 'safe']);
  });

  it('refuses to restore a backup that does not exist, and starts nothing', async () => {
    const before = (await api.store.pgTransfers.list(app.id)).length;
    const missing = b1.to_url!.replace(/\/transfers\/1\/download$/, '/transfers/99/download');
    const err = await expectError(await post(`/client/v11/databases/${MAIN}/restores`, { backup_url: missing }), 404, 'not_found');
    assert.match(err.message, /backup: #99/);
    await expectError(await post(`/client/v11/databases/${MAIN}/restores`, { backup_url: 'https://example.com/x.dump' }), 422, 'invalid_params');
    assert.equal((await api.store.pgTransfers.list(app.id)).length, before);
  });

  it('fails a backup of a database whose server is down with a clear message and keeps no file', async () => {
    const failed = await transfer(`/client/v11/databases/${DOWN}/backups`);
    assert.equal(failed.succeeded, false);
    assert.ok(failed.finished_at);
    assert.match(failed.error ?? '', /Could not connect to the PostgreSQL server at 127\.0\.0\.1:1\/gone: connection refused\. The server is not running/);
    const stored = await api.store.pgTransfers.findByNum(app.id, failed.num);
    assert.equal(await api.blobs.exists(stored!.blobKey!), false);
    const info = await expectJson<{ info: Array<{ name: string; values: string[] }> }>(await api.request(`/client/v11/databases/${DOWN}`, { key: dev.key }), 200);
    assert.match(info.info.find((i) => i.name === 'Status')!.values[0]!, /^Unavailable: .*connection refused/);
  });

  it('hands out a signed download URL whose file is the backup, and refuses it unsigned', async () => {
    const { url } = await expectJson<{ url: string }>(await post(`/client/v11/apps/${app.name}/transfers/b001/actions/public-url`), 200);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), 'PGDMP', 'a pg_dump custom-format file');
    const stored = await api.store.pgTransfers.findByNum(app.id, 1);
    const blob = Buffer.concat(await (await api.blobs.get(stored!.blobKey!)).toArray());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), createHash('sha256').update(blob).digest('hex'));
    assert.equal((await fetch(b1.to_url!)).status, 403);
  });

  it('copies one database into another (pg:copy)', async () => {
    const c = await transfer(`/client/v11/databases/${RED}/transfers`, { from_name: 'DATABASE', from_url: mainUrl, to_name: 'RED', to_url: redUrl });
    assert.equal(c.succeeded, true, c.error ?? '');
    assert.match(c.name, /^c\d{3}$/);
    assert.equal((await sql<{ n: string }>(redUrl, 'SELECT count(*)::text AS n FROM notes'))[0]?.n, '2');
    await expectError(await post(`/client/v11/databases/${RED}/transfers`, { from_addon: RED }), 422, 'invalid_params');
  });

  it('copies from a URL that is no add-on of the account only through the egress guard (refused on loopback)', async () => {
    const outside = mainUrl.replace('127.0.0.1', 'localhost');
    const c = await transfer(`/client/v11/databases/${RED}/transfers`, { from_name: 'elsewhere', from_url: outside, to_name: 'RED', to_url: redUrl });
    assert.equal(c.succeeded, false);
    assert.match(c.error ?? '', /refused by policy.*Nothing was transferred/);
    assert.equal(c.from_name, 'elsewhere');
    await expectError(await post(`/client/v11/databases/${RED}/transfers`, { from_url: 'postgres://u:p@%2Ftmp/db' }), 422, 'invalid_params');
  });

  it('deletes a backup and its file; numbers are never reused', async () => {
    const b = await transfer(`/client/v11/databases/${MAIN}/backups`);
    const key = (await api.store.pgTransfers.findByNum(app.id, b.num))!.blobKey!;
    assert.equal(await api.blobs.exists(key), true);
    await expectJson(await api.request(`/client/v11/apps/${app.name}/transfers/${b.num}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(await api.blobs.exists(key), false);
    await expectError(await api.request(`/client/v11/apps/${app.name}/transfers/${b.name}`, { key: dev.key }), 404, 'not_found');
    const next = await transfer(`/client/v11/databases/${MAIN}/backups`);
    assert.equal(next.num, b.num + 1);
  });

  it('keeps a daily schedule per database and refuses a bad hour', async () => {
    const s = await expectJson<{ uuid: string; hour: number; timezone: string; name: string; retain_daily: number }>(await post(`/client/v11/databases/${MAIN}/transfer-schedules`, { hour: '02', timezone: 'UTC', schedule_name: 'DATABASE_URL' }), 201);
    assert.deepEqual([s.hour, s.timezone, s.name, s.retain_daily], [2, 'UTC', 'DATABASE_URL', 7]);
    await expectError(await post(`/client/v11/databases/${MAIN}/transfer-schedules`, { hour: 24 }), 422, 'invalid_params');
    await expectError(await post(`/client/v11/databases/${MAIN}/transfer-schedules`, { hour: 2, timezone: 'Mars/Olympus' }), 422, 'invalid_params');
    const list = await expectJson<Array<{ uuid: string }>>(await api.request(`/client/v11/databases/${MAIN}/transfer-schedules`, { key: dev.key }), 200);
    assert.deepEqual(list.map((x) => x.uuid), [s.uuid]);
    await expectJson(await api.request(`/client/v11/databases/${MAIN}/transfer-schedules/${s.uuid}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.deepEqual(await expectJson(await api.request(`/client/v11/databases/${MAIN}/transfer-schedules`, { key: dev.key }), 200), []);
  });

  it('answers pg:info with the live server facts and the URL the CLI matches against config vars', async () => {
    const info = await expectJson<{ resource_url: string; info: Array<{ name: string; values: unknown[] }> }>(await api.request(`/client/v11/databases/${MAIN}`, { key: dev.key }), 200);
    assert.equal(info.resource_url, mainUrl);
    const names = info.info.map((i) => i.name);
    for (const name of ['Plan', 'Status', 'Connections', 'PG Version', 'Data Size', 'Tables', 'Created']) assert.ok(names.includes(name), name);
    assert.deepEqual(info.info.find((i) => i.name === 'Tables')?.values, [1]);
  });

  it('resolves a DATABASE argument on the app as pg:* does (Berth extension)', async () => {
    const byDefault = await expectJson<{ addon_id: string }>(await api.request(`/client/v11/apps/${app.name}/databases/-`, { key: dev.key }), 200);
    assert.equal(byDefault.addon_id, MAIN);
    for (const arg of ['HEROKU_POSTGRESQL_RED_URL', 'RED', 'postgresql-rigid-23456']) {
      assert.equal((await expectJson<{ addon_id: string }>(await api.request(`/client/v11/apps/${app.name}/databases/${arg}`, { key: dev.key }), 200)).addon_id, RED, arg);
    }
    const err = await expectError(await api.request(`/client/v11/apps/${app.name}/databases/BLUE`, { key: dev.key }), 404, 'not_found');
    const options = /Valid options are: (.*)\.$/.exec(err.message)?.[1]?.split(', ').sort();
    assert.deepEqual(options, ['DATABASE', 'HEROKU_POSTGRESQL_GRAY', 'HEROKU_POSTGRESQL_RED']);
  });

  it('shows another account the same 404 as a missing database, and no transfers', async () => {
    await expectError(await api.request(`/client/v11/databases/${MAIN}`, { key: stranger.key }), 404, 'not_found');
    await expectError(await post(`/client/v11/databases/${MAIN}/backups`, {}, stranger.key), 404, 'not_found');
    await expectError(await api.request(`/client/v11/apps/${app.name}/transfers`, { key: stranger.key }), 404, 'not_found');
  });

  it('GET …/credentials/default gives the user and password of the database URL; another name is a 404, another account gets the database\'s 404', async () => {
    const cred = await expectJson<{ name: string; database: string; host: string; port: number; credentials: Array<{ user: string; password: string; state: string }> }>(await api.request(`/postgres/v0/databases/${MAIN}/credentials/default`, { key: dev.key }), 200);
    const url = new URL(mainUrl);
    assert.deepEqual(
      [cred.name, cred.database, cred.host, cred.port, cred.credentials[0]?.user, cred.credentials[0]?.password, cred.credentials[0]?.state],
      ['default', url.pathname.slice(1), url.hostname, Number(url.port), decodeURIComponent(url.username), decodeURIComponent(url.password), 'active'],
    );
    await expectError(await api.request(`/postgres/v0/databases/${MAIN}/credentials/readonly`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/postgres/v0/databases/${MAIN}/credentials/default`, { key: stranger.key }), 404, 'not_found');
  });

  it('says credential rotation is unavailable when no provider does it, and changes nothing', async () => {
    const err = await expectError(await post(`/postgres/v0/databases/${MAIN}/credentials/default/credentials_rotation`), 503, 'service_unavailable');
    assert.match(err.message, /Credential rotation is not available/);
    await expectError(await post(`/postgres/v0/databases/${MAIN}/credentials/readonly/credentials_rotation`), 404, 'not_found');
  });
});
