// Heroku Scheduler's runner over a real store, the real DynoService and dyno supervisor (on the
// fake runtime) and a fake clock: runs, overlap, no release, failures, downtime and restarts,
// without waiting for real minutes.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSchedule, nextRunAfter } from '../../src/core/scheduler-job.js';
import { DynoService } from '../../src/deploy/dyno-service.js';
import { SchedulerJobs, type SchedulerEvent } from '../../src/deploy/scheduler-jobs.js';
import { DynoManager } from '../../src/scheduler/dyno-manager.js';
import { StoreDesiredSource } from '../../src/scheduler/store-desired-source.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { SchedulerJob } from '../../src/store/port.js';
import { EventQueue } from '../support/event-queue.js';
import { supervisedHost } from '../support/supervised-host.js';
import { appWithOwner, uploadedSlug } from '../store/release-support.js';

const MINUTE = 60_000;
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A store with one app (optionally released), the supervised fake host, and a runner on the fake clock. */
async function world(options: { released?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-scheduler-'));
  dirs.push(dir);
  const store = (await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') })) as KyselyStore;
  const { appId, user } = await appWithOwner(store, 'reports');
  if (options.released !== false) {
    const slug = await uploadedSlug(store, appId);
    await store.releases.create({ appId, slugId: slug.id, configVars: { GREETING: 'hello' }, description: 'Deploy', user });
  }
  const h = supervisedHost(365 * 24 * 60 * MINUTE);
  const slugs = { ensure: async (slugId: string) => `/slugs/${slugId}` };
  const manager = new DynoManager({ host: h.host, source: new StoreDesiredSource(store), slugs, now: h.clock.now, timers: h.clock, log: () => undefined });
  const dynos = new DynoService({ store, manager, slugDirs: slugs, agent: h.host });
  const lines: string[] = [];
  const events = new EventQueue<SchedulerEvent>((e) => JSON.stringify(e));
  const runner = (): SchedulerJobs =>
    new SchedulerJobs({
      store,
      dynos,
      host: h.host,
      now: h.clock.now,
      timers: h.clock,
      emit: (_appId, process, source, message) => void lines.push(`${source}[${process}]: ${message}`),
      log: (event) => void lines.push(`log ${JSON.stringify(event)}`),
      observe: (event) => events.push(event),
    });
  const addJob = async (frequency: Record<string, unknown>, command = 'node tasks/report.js', nextRunAt?: number): Promise<SchedulerJob> => {
    const schedule = readSchedule(frequency);
    return store.schedulerJobs.create({
      appId,
      command,
      size: 'standard-2x',
      frequency: schedule.frequency,
      at: schedule.at,
      cron: schedule.cron.source,
      nextRunAt: new Date(nextRunAt ?? nextRunAfter(schedule, h.clock.now())).toISOString(),
    });
  };
  const next = <K extends SchedulerEvent['kind']>(kind: K) => events.next(kind, (e) => e.kind === kind) as Promise<Extract<SchedulerEvent, { kind: K }>>;
  return { store, appId, h, lines, events, runner, addJob, next, close: () => store.close() };
}

describe("Heroku Scheduler's runner", () => {
  it('a job every minute runs at each minute as a scheduler dyno of the current release, and each exit is recorded', async () => {
    const w = await world();
    const job = await w.addJob({ frequency: 'cron', cron: '* * * * *' });
    const runner = w.runner();
    await runner.start();
    assert.equal((await w.next('armed')).wakeAt, Date.parse(job.nextRunAt));
    for (const exitCode of [0, 3]) {
      w.h.clock.advance(MINUTE);
      await runner.idle();
      const started = await w.next('started');
      assert.match(started.dyno.name, /^scheduler\.\d{4}$/);
      assert.equal(started.dyno.size, 'standard-2x');
      assert.equal(started.dyno.command, 'node tasks/report.js');
      assert.equal(started.dyno.releaseVersion, 1);
      assert.equal(w.h.runtime.dyno(started.dyno.name).spec.env.GREETING, 'hello', 'the run has the release config');
      assert.equal((await w.store.schedulerJobs.findById(job.id))?.lastRun?.status, 'running');
      w.h.runtime.dyno(started.dyno.name).exit(exitCode);
      const finished = await w.next('finished');
      assert.deepEqual([finished.status, finished.exitCode], [exitCode === 0 ? 'succeeded' : 'failed', exitCode]);
      const stored = await w.store.schedulerJobs.findById(job.id);
      assert.deepEqual([stored?.lastRun?.status, stored?.lastRun?.exitCode, stored?.lastRun?.dynoName], [finished.status, exitCode, started.dyno.name]);
      assert.equal(stored?.nextRunAt, new Date(w.h.clock.now() + MINUTE).toISOString(), 'the next run is the next minute');
    }
    assert.equal(w.lines.filter((l) => /^heroku\[scheduler\]: Job .* starting scheduler\.\d{4} on release v1 with command `node tasks\/report\.js`$/.test(l)).length, 2, w.lines.join('\n'));
    runner.stop();
    await w.close();
  });

  it('a run due while the previous one still runs is skipped with a log line, and the job runs again once it ended', async () => {
    const w = await world();
    const job = await w.addJob({ frequency: 'every_10_minutes' });
    const runner = w.runner();
    await runner.start();
    w.h.clock.advance(10 * MINUTE);
    await runner.idle();
    const first = await w.next('started');
    w.h.clock.advance(10 * MINUTE);
    await runner.idle();
    const skipped = await w.next('skipped');
    assert.equal(skipped.reason, `its previous run ${first.dyno.name} is still running`);
    assert.ok(w.lines.includes(`heroku[scheduler]: Skipping job ${job.id.slice(0, 8)} (\`node tasks/report.js\`): its previous run ${first.dyno.name} is still running`), w.lines.join('\n'));
    assert.equal(w.h.runtime.dynos.filter((d) => d.name.startsWith('scheduler.')).length, 1, 'no second dyno started');
    w.h.runtime.dyno(first.dyno.name).exit(0);
    await w.next('finished');
    w.h.clock.advance(10 * MINUTE);
    await runner.idle();
    const second = await w.next('started');
    assert.notEqual(second.dyno.id, first.dyno.id);
    const stored = await w.store.schedulerJobs.findById(job.id);
    assert.deepEqual(stored?.lastSkip?.reason, `its previous run ${first.dyno.name} is still running`);
    runner.stop();
    await w.close();
  });

  it('an app with no release yet skips the run with a log line and keeps the schedule', async () => {
    const w = await world({ released: false });
    const job = await w.addJob({ frequency: 'hourly', at: ':15' });
    const runner = w.runner();
    await runner.start();
    w.h.clock.advance(15 * MINUTE);
    await runner.idle();
    assert.equal((await w.next('skipped')).reason, 'the app has no release yet (deploy it first)');
    assert.ok(w.lines.some((l) => l.endsWith('the app has no release yet (deploy it first)')), w.lines.join('\n'));
    await runner.idle();
    const stored = await w.store.schedulerJobs.findById(job.id);
    assert.equal(stored?.nextRunAt, new Date(Date.parse(job.nextRunAt) + 60 * MINUTE).toISOString());
    assert.equal(stored?.lastRun, null);
    assert.equal(w.h.runtime.dynos.length, 0);
    runner.stop();
    await w.close();
  });

  it('runs missed while Berth was down are caught up once, with a line counting the rest', async () => {
    const w = await world();
    const dueAt = w.h.clock.now() - 3 * 60 * MINUTE;
    const job = await w.addJob({ frequency: 'every_10_minutes' }, 'bin/sweep', dueAt);
    const runner = w.runner();
    await runner.start();
    const started = await w.next('started');
    assert.equal(started.dueAt, dueAt);
    assert.ok(
      w.lines.includes(`heroku[scheduler]: Job ${job.id.slice(0, 8)}: catching up once on the run due at ${job.nextRunAt} (Berth was not running then); 18 later runs also passed and will not be replayed`),
      w.lines.join('\n'),
    );
    assert.equal(w.events.seen.filter((e) => e.kind === 'started').length, 1, 'one catch-up run, not nineteen');
    assert.equal((await w.store.schedulerJobs.findById(job.id))?.nextRunAt, new Date(w.h.clock.now() + 10 * MINUTE).toISOString());
    runner.stop();
    await w.close();
  });

  it("a restarted runner keeps a live run's overlap, and records a run whose dyno vanished as unknown", async () => {
    const w = await world();
    const live = await w.addJob({ frequency: 'cron', cron: '* * * * *' }, 'bin/long');
    const gone = await w.addJob({ frequency: 'cron', cron: '* * * * *' }, 'bin/short');
    const first = w.runner();
    await first.start();
    w.h.clock.advance(MINUTE);
    await first.idle();
    const a = await w.next('started');
    const b = await w.next('started');
    first.stop();
    const byJob = new Map([[a.jobId, a.dyno], [b.jobId, b.dyno]]);
    // While no runner follows the agent, bin/short ends: its exit event is lost.
    w.h.runtime.dyno((byJob.get(gone.id) as { name: string }).name).exit(0);
    await w.h.reaches((byJob.get(gone.id) as { name: string }).name, 'down');
    const second = w.runner();
    await second.start();
    const stored = await w.store.schedulerJobs.findById(gone.id);
    assert.deepEqual([stored?.lastRun?.status, stored?.lastRun?.exitCode], ['unknown', null]);
    assert.ok(w.lines.some((l) => l.includes('ended while Berth was down; its exit status is unknown')), w.lines.join('\n'));
    const mark = w.events.seen.length;
    w.h.clock.advance(MINUTE);
    await second.idle();
    const outcomes = w.events.seen.slice(mark).filter((e) => e.kind === 'started' || e.kind === 'skipped');
    assert.deepEqual(
      outcomes.map((e) => `${e.jobId === live.id ? 'bin/long' : 'bin/short'} ${e.kind}`).sort(),
      ['bin/long skipped', 'bin/short started'],
    );
    second.stop();
    await w.close();
  });

  it('a run whose sandbox cannot start fails, and the next minute runs again', async () => {
    const w = await world();
    const job = await w.addJob({ frequency: 'cron', cron: '* * * * *' });
    const runner = w.runner();
    await runner.start();
    w.h.runtime.failNextStart('the bridge is gone');
    w.h.clock.advance(MINUTE);
    await runner.idle();
    const failed = await w.events.next('a failed run', (e) => e.kind === 'finished' || e.kind === 'failed-to-start');
    assert.ok(failed.kind === 'failed-to-start' || (failed.kind === 'finished' && failed.status === 'failed' && failed.exitCode === null), JSON.stringify(failed));
    assert.equal((await w.store.schedulerJobs.findById(job.id))?.lastRun?.status, 'failed');
    w.h.clock.advance(MINUTE);
    await runner.idle();
    const next = await w.next('started');
    w.h.runtime.dyno(next.dyno.name).exit(0);
    assert.equal((await w.next('finished')).status, 'succeeded');
    runner.stop();
    await w.close();
  });

  it("holds scheduler dynos to the owner's one-off quota: a fourth concurrent run is skipped with the quota's message", async () => {
    const w = await world();
    const commands = ['bin/a', 'bin/b', 'bin/c', 'bin/d'];
    for (const command of commands) await w.addJob({ frequency: 'cron', cron: '* * * * *' }, command);
    const runner = w.runner();
    await runner.start();
    w.h.clock.advance(MINUTE);
    await runner.idle();
    const outcomes = w.events.seen.filter((e) => e.kind === 'started' || e.kind === 'skipped');
    assert.deepEqual(outcomes.map((e) => e.kind), ['started', 'started', 'started', 'skipped']);
    const skipped = outcomes[3] as Extract<SchedulerEvent, { kind: 'skipped' }>;
    assert.match(skipped.reason, /This app already runs 3 one-off dynos, its limit/);
    assert.ok(w.lines.some((l) => l.startsWith('heroku[scheduler]: Skipping job') && l.includes('already runs 3 one-off dynos')), w.lines.join('\n'));
    assert.equal(w.h.runtime.dynos.length, 3);
    runner.stop();
    await w.close();
  });

  it('running a job now starts it at once and refuses while its previous run is still running', async () => {
    const w = await world();
    const job = await w.addJob({ frequency: 'daily', at: '04:00' });
    const runner = w.runner();
    await runner.start();
    const app = await w.store.apps.findById(w.appId);
    assert.ok(app);
    const dyno = await runner.runNow(app, job);
    assert.match(dyno.name, /^scheduler\.\d{4}$/);
    const running = await w.store.schedulerJobs.findById(job.id);
    await assert.rejects(runner.runNow(app, running as SchedulerJob), (err: Error & { id?: string }) => err.id === 'conflict' && /still running/.test(err.message));
    assert.equal(running?.nextRunAt, job.nextRunAt, 'running now leaves the schedule as it was');
    runner.stop();
    await w.close();
  });
});
