// The Store contract, part 9: Heroku Scheduler jobs (next run, claims, runs, skips, cascade).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { NewSchedulerJob } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

const job = (appId: string, extra: Partial<NewSchedulerJob> = {}): NewSchedulerJob => ({
  appId,
  command: 'node tasks/report.js',
  size: 'standard-1x',
  frequency: 'every_10_minutes',
  at: null,
  cron: '*/10 * * * *',
  nextRunAt: '2024-01-01T00:10:00.000Z',
  ...extra,
});

export function schedulerJobsContract({ open }: ContractContext): void {
  describe('scheduler jobs', () => {
    it('a job is listed with its app, found by id, changed and deleted', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const { appId: otherId } = await appWithOwner(store, 'other-app');
      const a = await store.schedulerJobs.create(job(appId));
      const b = await store.schedulerJobs.create(job(appId, { frequency: 'daily', at: '04:30', cron: '30 4 * * *', nextRunAt: '2024-01-01T04:30:00.000Z' }));
      await store.schedulerJobs.create(job(otherId));
      assert.deepEqual((await store.schedulerJobs.list(appId)).map((j) => j.id), [a.id, b.id]);
      assert.equal(await store.schedulerJobs.countForApp(appId), 2);
      assert.deepEqual(await store.schedulerJobs.findById(b.id), b);
      assert.equal(b.lastRun, null);
      const changed = await store.schedulerJobs.update(b.id, { command: 'bin/cleanup', at: null, frequency: 'cron', cron: '0 * * * *' });
      assert.equal(changed?.command, 'bin/cleanup');
      assert.equal(changed?.at, null);
      assert.equal(changed?.cron, '0 * * * *');
      assert.equal(changed?.size, 'standard-1x', 'fields not in the patch stay');
      assert.equal(await store.schedulerJobs.delete(b.id), true);
      assert.equal(await store.schedulerJobs.delete(b.id), false);
      assert.equal(await store.schedulerJobs.findById(b.id), undefined);
    });

    it('a job for a missing app is not_found', async () => {
      const store = await open(steppingClock());
      await assert.rejects(store.schedulerJobs.create(job(MISSING)), platformError('not_found', /app/));
    });

    it('due jobs are those whose next run has come, and a run is claimed only once', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const early = await store.schedulerJobs.create(job(appId, { nextRunAt: '2024-01-01T00:05:00.000Z' }));
      const late = await store.schedulerJobs.create(job(appId, { nextRunAt: '2024-01-01T01:00:00.000Z' }));
      assert.equal(await store.schedulerJobs.nextDue(), '2024-01-01T00:05:00.000Z');
      assert.deepEqual((await store.schedulerJobs.listDue('2024-01-01T00:05:00.000Z')).map((j) => j.id), [early.id]);
      assert.equal(await store.schedulerJobs.claimRun(early.id, early.nextRunAt, '2024-01-01T00:10:00.000Z'), true);
      assert.equal(await store.schedulerJobs.claimRun(early.id, early.nextRunAt, '2024-01-01T00:10:00.000Z'), false, 'the second claim of the same run fails');
      assert.deepEqual(await store.schedulerJobs.listDue('2024-01-01T00:05:00.000Z'), []);
      assert.equal(await store.schedulerJobs.nextDue(), '2024-01-01T00:10:00.000Z');
      assert.equal((await store.schedulerJobs.findById(late.id))?.nextRunAt, '2024-01-01T01:00:00.000Z');
    });

    it("a run is recorded as running, then finished with its exit code; a stale dyno's end changes nothing", async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const j = await store.schedulerJobs.create(job(appId));
      await store.schedulerJobs.runStarted(j.id, { dynoId: 'dyno-1', dynoName: 'scheduler.1234', startedAt: '2024-01-01T00:10:00.100Z' });
      assert.deepEqual((await store.schedulerJobs.listRunning()).map((r) => r.id), [j.id]);
      assert.deepEqual((await store.schedulerJobs.findById(j.id))?.lastRun, { status: 'running', dynoId: 'dyno-1', dynoName: 'scheduler.1234', exitCode: null, startedAt: '2024-01-01T00:10:00.100Z', finishedAt: null });
      await store.schedulerJobs.runFinished(j.id, 'dyno-0', { status: 'succeeded', exitCode: 0, finishedAt: '2024-01-01T00:10:01.000Z' });
      assert.equal((await store.schedulerJobs.findById(j.id))?.lastRun?.status, 'running', 'an older dyno does not end the current run');
      await store.schedulerJobs.runFinished(j.id, 'dyno-1', { status: 'failed', exitCode: 127, finishedAt: '2024-01-01T00:10:02.000Z' });
      const after = await store.schedulerJobs.findById(j.id);
      assert.deepEqual(after?.lastRun, { status: 'failed', dynoId: 'dyno-1', dynoName: 'scheduler.1234', exitCode: 127, startedAt: '2024-01-01T00:10:00.100Z', finishedAt: '2024-01-01T00:10:02.000Z' });
      assert.deepEqual(await store.schedulerJobs.listRunning(), []);
      await store.schedulerJobs.runSkipped(j.id, { at: '2024-01-01T00:20:00.000Z', reason: 'the app has no release yet' });
      assert.deepEqual((await store.schedulerJobs.findById(j.id))?.lastSkip, { at: '2024-01-01T00:20:00.000Z', reason: 'the app has no release yet' });
    });

    it("deleting an app deletes its jobs", async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const j = await store.schedulerJobs.create(job(appId));
      await store.apps.delete(appId);
      assert.equal(await store.schedulerJobs.findById(j.id), undefined);
      assert.equal(await store.schedulerJobs.nextDue(), undefined);
    });
  });
}
