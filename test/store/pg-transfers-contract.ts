// The Store contract, part 8: Postgres transfers (backups, restores, copies) and backup schedules.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { NewPgTransfer } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const ADDON = '11111111-1111-4111-8111-111111111111';
const MISSING = '00000000-0000-4000-8000-000000000000';

const backup = (appId: string, extra: Partial<NewPgTransfer> = {}): NewPgTransfer => ({
  appId,
  kind: 'backup',
  fromAddonId: ADDON,
  fromName: 'DATABASE',
  fromType: 'pg_dump',
  toAddonId: null,
  toName: 'BACKUP',
  toType: 'gof3r',
  ...extra,
});

export function pgTransfersContract({ open }: ContractContext): void {
  describe('pg transfers', () => {
    it('transfers of one app share a number sequence, and a deleted one keeps its number', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const { appId: otherId } = await appWithOwner(store, 'other-app');
      const b1 = await store.pgTransfers.create(backup(appId, { blobKey: 'backups/x/1.dump' }));
      const r2 = await store.pgTransfers.create({ ...backup(appId), kind: 'restore', fromType: 'gof3r', toType: 'pg_restore', backupId: b1.id });
      assert.deepEqual([b1.num, r2.num], [1, 2]);
      assert.equal((await store.pgTransfers.create(backup(otherId))).num, 1, 'another app counts on its own');
      await store.pgTransfers.markDeleted(r2.id);
      assert.equal((await store.pgTransfers.create(backup(appId))).num, 3);
      assert.deepEqual((await store.pgTransfers.list(appId)).map((t) => t.num), [1, 3]);
      assert.equal(await store.pgTransfers.findByNum(appId, 2), undefined);
      assert.equal((await store.pgTransfers.findByNum(appId, 1))?.blobKey, 'backups/x/1.dump');
    });

    it('a transfer starts, reports progress and finishes once; finishing again changes nothing', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const t = await store.pgTransfers.create(backup(appId));
      assert.equal(t.succeeded, null);
      assert.ok((await store.pgTransfers.start(t.id)).startedAt);
      await store.pgTransfers.progress(t.id, 4096, [{ createdAt: '2024-01-01T00:00:00.000Z', message: 'pg_dump: reading schemas' }]);
      assert.equal((await store.pgTransfers.findById(t.id))?.processedBytes, 4096);
      assert.deepEqual((await store.pgTransfers.listUnfinished()).map((u) => u.id), [t.id]);
      const done = await store.pgTransfers.finish(t.id, { succeeded: true, sourceBytes: 10_000_000_000, processedBytes: 8192, warnings: 0, logs: [] });
      assert.equal(done.succeeded, true);
      assert.equal(done.sourceBytes, 10_000_000_000, 'sizes past 2^32 survive');
      const again = await store.pgTransfers.finish(t.id, { succeeded: false, processedBytes: 1, warnings: 0, error: 'late', logs: [] });
      assert.equal(again.succeeded, true);
      assert.equal(again.error, null);
      assert.deepEqual(await store.pgTransfers.listUnfinished(), []);
    });

    it('a transfer for a missing app is not_found', async () => {
      const store = await open(steppingClock());
      await assert.rejects(store.pgTransfers.create(backup(MISSING)), platformError('not_found'));
    });
  });

  describe('pg backup schedules', () => {
    it('one schedule per add-on: putting it again replaces hour and next run', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const base = { appId, addonId: ADDON, name: 'DATABASE_URL', timezone: 'UTC', retainDaily: 7, retainWeekly: 4 };
      const first = await store.pgBackupSchedules.put({ ...base, hour: 2, nextRunAt: '2024-01-02T02:00:00.000Z' });
      const second = await store.pgBackupSchedules.put({ ...base, hour: 3, nextRunAt: '2024-01-02T03:00:00.000Z' });
      assert.equal(second.id, first.id);
      assert.deepEqual((await store.pgBackupSchedules.listForAddon(ADDON)).map((s) => s.hour), [3]);
      assert.equal(await store.pgBackupSchedules.nextDue(), '2024-01-02T03:00:00.000Z');
      assert.deepEqual(await store.pgBackupSchedules.listDue('2024-01-02T02:59:59.000Z'), []);
      assert.deepEqual((await store.pgBackupSchedules.listDue('2024-01-02T03:00:00.000Z')).map((s) => s.id), [first.id]);
      await store.pgBackupSchedules.setNextRun(first.id, '2024-01-03T03:00:00.000Z');
      assert.equal((await store.pgBackupSchedules.findById(first.id))?.nextRunAt, '2024-01-03T03:00:00.000Z');
      assert.equal(await store.pgBackupSchedules.delete(first.id), true);
      assert.equal(await store.pgBackupSchedules.delete(first.id), false);
      assert.equal(await store.pgBackupSchedules.nextDue(), undefined);
    });

    it('deleting the app removes its transfers and schedules', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const t = await store.pgTransfers.create(backup(appId));
      await store.pgBackupSchedules.put({ appId, addonId: ADDON, name: 'DATABASE_URL', hour: 2, timezone: 'UTC', retainDaily: 7, retainWeekly: 4, nextRunAt: '2024-01-02T02:00:00.000Z' });
      await store.apps.delete(appId);
      assert.equal(await store.pgTransfers.findById(t.id), undefined);
      assert.deepEqual(await store.pgBackupSchedules.listForAddon(ADDON), []);
    });
  });
}
