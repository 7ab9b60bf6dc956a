// berth scheduler, scheduler:add, scheduler:remove and scheduler:run against the real API (no
// dynos: running now answers the API's error, which the CLI shows).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

let home: string;
let key: string;

const api = useApi({}, async (started) => {
  key = (await started.createUser('sched-cli@example.test')).key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'sched-app' }) })).status, 201);
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-sched-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: 'sched-app' }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('scheduler:add schedules commands with each kind of schedule, and scheduler lists them', async () => {
  assert.deepEqual(await berth(['scheduler']), { code: 0, stdout: 'sched-app has no scheduled jobs. Add one with berth scheduler:add --daily 04:30 -- COMMAND.\n', stderr: '' });
  const daily = await berth(['scheduler:add', '--daily', '04:30', '--', 'node', 'tasks/report.js', '--since', 'yesterday']);
  assert.equal(daily.code, 0, daily.stderr);
  assert.match(daily.stdout, /^Scheduled job [0-9a-f]{8} on sched-app: daily at 04:30 UTC, Standard-1X, next run \d{4}-\d\d-\d\d 04:30Z\n$/);
  assert.equal((await berth(['scheduler:add', '--cron', '*/5 * * * *', '-s', 'standard-2x', 'bin/sweep'])).code, 0);
  const list = await berth(['scheduler']);
  const lines = list.stdout.trimEnd().split('\n');
  assert.equal(lines[0], '=== sched-app scheduled jobs (times in UTC)');
  assert.match(lines[1] as string, /^ID\s+Schedule\s+Size\s+Next run\s+Last run\s+Command$/);
  assert.match(lines[2] as string, /^[0-9a-f]{8}  daily at 04:30 UTC\s+Standard-1X  \S+ 04:30Z\s+never run  node tasks\/report\.js --since yesterday$/);
  assert.match(lines[3] as string, /^[0-9a-f]{8}  cron "\*\/5 \* \* \* \*" \(UTC\)\s+Standard-2X  .*never run  bin\/sweep$/);
  const json = JSON.parse((await berth(['scheduler', '--json'])).stdout) as Array<{ command: string; frequency: string }>;
  assert.deepEqual(json.map((j) => [j.frequency, j.command]), [['daily', 'node tasks/report.js --since yesterday'], ['cron', 'bin/sweep']]);
});

test('scheduler:add shows where a cron expression is wrong and schedules nothing', async () => {
  const before = (await api.store.schedulerJobs.list((await api.store.apps.findByName('sched-app'))?.id as string)).length;
  const bad = await berth(['scheduler:add', '--cron', '0 9 * * MON-FRY', '--', 'bin/x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Invalid cron expression "0 9 \* \* MON-FRY": field 5 \(day-of-week\) at position 13: "FRY" is not a number 0-7 or a name SUN-SAT\./);
  const usage = await berth(['scheduler:add', '--every', '5m', '--', 'bin/x']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--every 5m is not one of Heroku's choices/);
  assert.equal((await api.store.schedulerJobs.list((await api.store.apps.findByName('sched-app'))?.id as string)).length, before);
});

test('scheduler:remove removes a job by its short id; scheduler:run of an unknown job says so', async () => {
  const added = await berth(['scheduler:add', '--hourly', ':15', '--', 'bin/hourly']);
  const id = /job ([0-9a-f]{8})/.exec(added.stdout)?.[1] as string;
  assert.deepEqual(await berth(['scheduler:remove', id]), { code: 0, stdout: `Removed job ${id} (hourly at :15): bin/hourly\n`, stderr: '' });
  assert.doesNotMatch((await berth(['scheduler'])).stdout, new RegExp(id));
  const missing = await berth(['scheduler:run', id]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Couldn't find that scheduler job/);
});
