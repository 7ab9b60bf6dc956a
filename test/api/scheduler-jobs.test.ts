// Heroku Scheduler's API (a Berth extension): jobs with Heroku's schedule choices or cron,
// validation (invalid cron names the field and position), tenancy, app deletion, and running a
// job now through the real runner on the supervised fake host.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynoService } from '../../src/deploy/dyno-service.js';
import { SchedulerJobs } from '../../src/deploy/scheduler-jobs.js';
import { DynoManager } from '../../src/scheduler/dyno-manager.js';
import { StoreDesiredSource } from '../../src/scheduler/store-desired-source.js';
import { useApi } from '../support/api-harness.js';
import { supervisedHost } from '../support/supervised-host.js';
import { deploy, newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';
import type { SchedulerJobJson as JobJson } from '../../src/cli/api-types.js';


const host = supervisedHost(365 * 24 * 3_600_000);
const api = useApi({}, async (harness) => {
  // The real runner and DynoService, on dynos of the supervised fake host.
  const slugs = { ensure: async (slugId: string) => `/slugs/${slugId}` };
  const manager = new DynoManager({ host: host.host, source: new StoreDesiredSource(harness.store), slugs, now: host.clock.now, timers: host.clock, log: () => undefined });
  const dynos = new DynoService({ store: harness.store, manager, slugDirs: slugs, agent: host.host });
  const runner = new SchedulerJobs({ store: harness.store, dynos, host: host.host, now: host.clock.now, timers: host.clock, emit: () => undefined, log: () => undefined });
  harness.deps.scheduler = runner;
});
const dev = api.user('dev@example.test');
const stranger = api.user('stranger@example.test');

const jobs = (app: string, key = dev.key) => api.request(`/apps/${app}/scheduler/jobs`, { key });
const addJob = (app: string, body: Record<string, unknown>, key = dev.key) => api.request(`/apps/${app}/scheduler/jobs`, { key, method: 'POST', body: jsonBody(body) });
const patchJob = (app: string, id: string, body: Record<string, unknown>) => api.request(`/apps/${app}/scheduler/jobs/${id}`, { key: dev.key, method: 'PATCH', body: jsonBody(body) });

describe('scheduler jobs API', () => {
  it("creates jobs with each of Heroku's choices and with cron, each showing its schedule and next run", async () => {
    const app = await newApp(api, dev.key, 'sched');
    const before = api.deps.now().getTime();
    const every = await expectJson<JobJson>(await addJob(app.name, { command: 'node tasks/report.js', frequency: 'every_10_minutes' }), 201);
    const hourly = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/hourly', frequency: 'hourly', at: ':05', size: 'standard-2x' }), 201);
    const daily = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/daily', frequency: 'daily', at: '04:30' }), 201);
    const cron = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/weekdays', frequency: 'cron', cron: '*/15 9-17 * * MON-FRI' }), 201);
    assert.deepEqual(
      [every, hourly, daily, cron].map((j) => [j.schedule, j.cron, j.size, j.last_run, j.app.name]),
      [
        ['every 10 minutes', '*/10 * * * *', 'Standard-1X', null, app.name],
        ['hourly at :05', '5 * * * *', 'Standard-2X', null, app.name],
        ['daily at 04:30 UTC', '30 4 * * *', 'Standard-1X', null, app.name],
        ['cron "*/15 9-17 * * MON-FRI" (UTC)', '*/15 9-17 * * MON-FRI', 'Standard-1X', null, app.name],
      ],
    );
    const next = Date.parse(every.next_run_at);
    assert.ok(next > before && next - before <= 10 * 60_000 && new Date(next).getUTCMinutes() % 10 === 0 && new Date(next).getUTCSeconds() === 0, every.next_run_at);
    assert.equal(new Date(Date.parse(daily.next_run_at)).toISOString().slice(11, 16), '04:30');
    const listed = await expectJson<JobJson[]>(await jobs(app.name), 200);
    assert.deepEqual(listed.map((j) => j.id), [every.id, hourly.id, daily.id, cron.id]);
    assert.ok(api.lines.some((l) => l.process === 'api' && l.message === `Add scheduler job ${daily.id.slice(0, 8)} (daily at 04:30 UTC): \`bin/daily\` by user ${dev.email}`));
  });

  it('refuses an invalid cron expression with 422 invalid_cron naming the field and position, and stores nothing', async () => {
    const app = await newApp(api, dev.key, 'sched');
    const err = await expectError(await addJob(app.name, { command: 'bin/x', frequency: 'cron', cron: '0 9 * * MON-FRY' }), 422, 'invalid_cron');
    assert.equal(err.message, 'Invalid cron expression "0 9 * * MON-FRY": field 5 (day-of-week) at position 13: "FRY" is not a number 0-7 or a name SUN-SAT.');
    const range = await expectError(await addJob(app.name, { command: 'bin/x', frequency: 'cron', cron: '0 24 * * *' }), 422, 'invalid_cron');
    assert.match(range.message, /field 2 \(hour\) at position 3: 24 is out of range 0-23/);
    assert.deepEqual(await expectJson(await jobs(app.name), 200), []);
  });

  it('refuses a missing or multi-line command, an unknown frequency, a bad time, an unknown size and one over the quota', async () => {
    const app = await newApp(api, dev.key, 'sched');
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ frequency: 'daily', at: '04:30' }, 422, 'invalid_params', /command is required/],
      [{ command: 'echo a\necho b', frequency: 'daily', at: '04:30' }, 422, 'invalid_params', /one line without control characters/],
      [{ command: 'bin/x', frequency: 'weekly' }, 422, 'invalid_params', /frequency must be one of every_10_minutes, hourly, daily, cron/],
      [{ command: 'bin/x', frequency: 'daily', at: '25:00' }, 422, 'invalid_params', /"HH:MM" in UTC/],
      [{ command: 'bin/x', frequency: 'hourly', at: ':75' }, 422, 'invalid_params', /":MM"/],
      [{ command: 'bin/x', frequency: 'every_10_minutes', size: 'enormous-9x' }, 422, 'invalid_params', /size/i],
      [{ command: 'bin/x', frequency: 'every_10_minutes', size: 'performance-l' }, 403, 'quota_exceeded', /standard-2x/],
    ];
    for (const [body, status, id, message] of cases) {
      const err = await expectError(await addJob(app.name, body), status, id);
      assert.match(err.message, message, JSON.stringify(body));
    }
    assert.deepEqual(await expectJson(await jobs(app.name), 200), []);
  });

  it('changes a job, found by its id or a short prefix, and moves its next run with the schedule', async () => {
    const app = await newApp(api, dev.key, 'sched');
    const job = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/x', frequency: 'hourly', at: ':10' }), 201);
    const shortId = job.id.slice(0, 8);
    const minute = await expectJson<JobJson>(await patchJob(app.name, shortId, { at: ':45' }), 200);
    assert.deepEqual([minute.schedule, new Date(minute.next_run_at).getUTCMinutes()], ['hourly at :45', 45]);
    const daily = await expectJson<JobJson>(await patchJob(app.name, job.id, { frequency: 'daily', at: '23:15', command: 'bin/y', size: 'standard-2x' }), 200);
    assert.deepEqual([daily.schedule, daily.command, daily.size], ['daily at 23:15 UTC', 'bin/y', 'Standard-2X']);
    await expectError(await patchJob(app.name, job.id, { frequency: 'cron' }), 422, 'invalid_params');
    await expectError(await patchJob(app.name, job.id, { frequency: 'cron', cron: '* * *' }), 422, 'invalid_cron');
    await expectError(await patchJob(app.name, job.id, {}), 422, 'invalid_params');
    const stored = await expectJson<JobJson>(await api.request(`/apps/${app.name}/scheduler/jobs/${shortId}`, { key: dev.key }), 200);
    assert.equal(stored.schedule, 'daily at 23:15 UTC', 'refused changes changed nothing');
  });

  it("removes a job; another account sees neither the app's jobs nor can change them", async () => {
    const app = await newApp(api, dev.key, 'sched');
    const job = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/x', frequency: 'every_10_minutes' }), 201);
    await expectError(await jobs(app.name, stranger.key), 404, 'not_found');
    await expectError(await addJob(app.name, { command: 'bin/x', frequency: 'every_10_minutes' }, stranger.key), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/scheduler/jobs/${job.id}`, { key: stranger.key, method: 'DELETE' }), 404, 'not_found');
    const removed = await expectJson<JobJson>(await api.request(`/apps/${app.name}/scheduler/jobs/${job.id}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(removed.id, job.id);
    await expectError(await api.request(`/apps/${app.name}/scheduler/jobs/${job.id}`, { key: dev.key }), 404, 'not_found');
  });

  it("deleting the app removes its jobs", async () => {
    const app = await newApp(api, dev.key, 'sched');
    const job = await expectJson<JobJson>(await addJob(app.name, { command: 'bin/x', frequency: 'every_10_minutes' }), 201);
    await expectJson(await api.request(`/apps/${app.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(await api.store.schedulerJobs.findById(job.id), undefined);
  });

  it('runs a job now as a scheduler dyno, refuses a second run while it runs, and refuses an app with no release', async () => {
    const app = await newApp(api, dev.key, 'sched');
    await deploy(api, dev.key, app.name);
    const job = await expectJson<JobJson>(await addJob(app.name, { command: 'node tasks/report.js', frequency: 'daily', at: '04:00' }), 201);
    const run = await expectJson<{ job: JobJson; dyno: { name: string; size: string } }>(await api.request(`/apps/${app.name}/scheduler/jobs/${job.id}/actions/run`, { key: dev.key, method: 'POST' }), 201);
    assert.match(run.dyno.name, /^scheduler\.\d{4}$/);
    assert.deepEqual([run.job.last_run?.status, run.job.last_run?.dyno, run.job.next_run_at], ['running', run.dyno.name, job.next_run_at]);
    const busy = await expectError(await api.request(`/apps/${app.name}/scheduler/jobs/${job.id}/actions/run`, { key: dev.key, method: 'POST' }), 409, 'conflict');
    assert.match(busy.message, new RegExp(`its previous run ${run.dyno.name.replace('.', '\\.')} is still running`));
    const bare = await newApp(api, dev.key, 'sched');
    const idle = await expectJson<JobJson>(await addJob(bare.name, { command: 'bin/x', frequency: 'every_10_minutes' }), 201);
    const none = await expectError(await api.request(`/apps/${bare.name}/scheduler/jobs/${idle.id}/actions/run`, { key: dev.key, method: 'POST' }), 422, 'invalid_params');
    assert.match(none.message, /no release yet/);
    const after = await expectJson<JobJson>(await api.request(`/apps/${bare.name}/scheduler/jobs/${idle.id}`, { key: dev.key }), 200);
    assert.equal(after.last_skipped?.reason, 'the app has no release yet (deploy it first)');
  });
});
