import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { PgBackupScheduler } from '../../src/main/pg-backup-scheduler.js';
import { PgTransferService } from '../../src/main/pg-transfer-service.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { StoreAddonDirectory } from '../../src/main/store-addon-directory.js';
import { seedAddon } from '../support/seed-addons.js';

let server: ThrowawayPostgres;
let dir: string;
let store: KyselyStore;
let blobs: LocalBlobStore;
let now = Date.parse('2026-12-01T01:30:00Z');
const clock = { now: () => new Date(now), newId: () => randomUUID() };
let ADDON: string;
let appId: string;

before(async () => {
  server = await startThrowawayPostgres();
  dir = await mkdtemp(join(tmpdir(), 'berth-pgsched-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') }, clock);
  blobs = new LocalBlobStore(join(dir, 'blobs'));
  const owner = await store.accounts.create({ email: 'sched@example.com', passwordHash: null });
  appId = (await store.apps.create({ name: 'sched-app', ownerId: owner.id, region: 'local', stack: 'heroku-24' })).id;
  const url = await server.createDatabase('scheduled');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE TABLE t (x text); INSERT INTO t VALUES ('row')");
  await client.end();
  ADDON = (await seedAddon(store, { appId, name: 'postgresql-timed-11111', url, attachments: [{ appId, name: 'DATABASE' }] })).id;
});

after(async () => {
  await store?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A control plane's scheduler over the shared store: a new one is what a restart makes. */
function controlPlane() {
  const transfers = new PgTransferService({ store, blobs, log: () => {}, now: clock.now });
  const scheduler = new PgBackupScheduler({ store, blobs, transfers, findAddon: (id) => new StoreAddonDirectory(store).findAddon(id), log: () => {}, now: clock.now });
  return { transfers, scheduler };
}

describe('the backup scheduler', () => {
  it('runs a schedule at its hour, and after a restart runs the one that came due while Berth was down', async () => {
    await store.pgBackupSchedules.put({ appId, addonId: ADDON, name: 'DATABASE_URL', hour: 2, timezone: 'UTC', retainDaily: 3, retainWeekly: 1, nextRunAt: '2026-12-01T02:00:00.000Z' });
    const first = controlPlane();
    await first.scheduler.start();
    await first.scheduler.idle();
    assert.deepEqual(await store.pgTransfers.list(appId), [], 'nothing before 02:00');

    now = Date.parse('2026-12-01T02:00:05Z');
    await first.scheduler.changed();
    await first.scheduler.idle();
    const [a1] = await store.pgTransfers.list(appId);
    assert.equal(a1?.scheduleId !== null && a1?.succeeded, true, a1?.error ?? 'no scheduled backup');
    assert.equal((await store.pgBackupSchedules.listForAddon(ADDON))[0]?.nextRunAt, '2026-12-02T02:00:00.000Z');
    first.scheduler.stop();

    // Berth is down over the next 02:00; the new control plane finds the run overdue in the store.
    now = Date.parse('2026-12-02T09:00:00Z');
    const second = controlPlane();
    await second.scheduler.start();
    await second.scheduler.idle();
    second.scheduler.stop();
    const all = await store.pgTransfers.list(appId);
    assert.equal(all.length, 2);
    assert.equal(all[1]?.succeeded, true);
    assert.equal((await store.pgBackupSchedules.listForAddon(ADDON))[0]?.nextRunAt, '2026-12-03T02:00:00.000Z');
  });

  it('keeps only what the retention says and deletes the files of the rest', async () => {
    const { scheduler } = controlPlane();
    await scheduler.start();
    for (let day = 3; day <= 9; day++) {
      now = Date.parse(`2026-12-0${day}T02:00:01Z`);
      await scheduler.changed();
      await scheduler.idle();
    }
    scheduler.stop();
    const kept = await store.pgTransfers.list(appId);
    // 3 daily (Dec 7, 8, 9); the weekly one is Dec 9's too (the week of Dec 7).
    assert.deepEqual(kept.map((t) => t.createdAt.slice(0, 10)), ['2026-12-07', '2026-12-08', '2026-12-09']);
    for (const t of kept) assert.equal(await blobs.exists(t.blobKey!), true);
    assert.deepEqual(await store.pgTransfers.listUnfinished(), [], 'nothing is left running');
    assert.equal((await readdir(join(dir, 'blobs', 'pg-backups', appId))).length, 3, 'the files of expired backups are deleted');
  });

  it('drops the schedule of an add-on that is gone instead of failing every day', async () => {
    const GONE = '5c5c5c5c-0000-4000-8000-000000000009';
    await store.pgBackupSchedules.put({ appId, addonId: GONE, name: 'OLD_URL', hour: 2, timezone: 'UTC', retainDaily: 7, retainWeekly: 4, nextRunAt: new Date(now - 1000).toISOString() });
    const { scheduler } = controlPlane();
    await scheduler.start();
    await scheduler.idle();
    scheduler.stop();
    assert.deepEqual(await store.pgBackupSchedules.listForAddon(GONE), []);
  });
});
