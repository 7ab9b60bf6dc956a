// Heroku Scheduler against a real Berth on the real clock: jobs with the cron `* * * * *` run
// every minute as scheduler.N dynos with their output in the app's logs; a job whose command does
// not exist fails in the logs and stays scheduled; a job still running when it is due again is
// skipped with a log line. Two scheduled minutes pass (at most ~2.5 minutes of waiting).

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/** Two runs of an every-minute job need up to two minute boundaries, plus dyno start-up. */
const TWO_MINUTES_AND_SLACK = 150_000;

interface JobJson {
  id: string;
  next_run_at: string;
  last_run: { status: string; exit_code: number | null; dyno: string } | null;
  last_skipped: { reason: string } | null;
}

describe('scheduled jobs run every minute against a real Berth', () => {
  const berth = useBerth();
  let app: string;
  const jobs: Record<string, JobJson> = {};

  before(async () => {
    ({ app } = await berth.deploy('sched', 'procfile-web'));
    const add = async (name: string, command: string) => {
      const reply = await api(berth, `/apps/${app}/scheduler/jobs`, { method: 'POST', body: JSON.stringify({ command, frequency: 'cron', cron: '* * * * *' }) });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      jobs[name] = reply.body as JobJson;
    };
    await add('tick', 'echo "scheduled-tick $DYNO"');
    await add('missing', 'no-such-command-xyz');
    await add('slow', 'echo slow-start; sleep 300');
  });

  it('runs the job at each minute as scheduler.N with its output in the logs, and the failing and overlapping jobs say so', async () => {
    const logs = await waitForLogs(
      berth,
      app,
      [
        // Two runs of the tick job, each in its own scheduler dyno.
        /app\[scheduler\.(\d+)\]: scheduled-tick scheduler\.\1[\s\S]*app\[scheduler\.(?!\1)(\d+)\]: scheduled-tick scheduler\.\2/,
        /no-such-command-xyz: (command )?not found/,
        /heroku\[scheduler\]: Skipping job [0-9a-f]{8} \(`echo slow-start; sleep 300`\): its previous run scheduler\.\d+ is still running/,
      ],
      TWO_MINUTES_AND_SLACK,
    );
    assert.match(logs, /heroku\[scheduler\]: Job [0-9a-f]{8} \(cron "\* \* \* \* \*" \(UTC\)\): starting scheduler\.\d+ on release v\d+ with command `echo "scheduled-tick \$DYNO"`/);
    assert.match(logs, /heroku\[scheduler\.\d+\]: Process exited with status 127/);

    const get = async (name: string) => (await api(berth, `/apps/${app}/scheduler/jobs/${(jobs[name] as JobJson).id}`)).body as JobJson;
    const tick = await get('tick');
    assert.match(tick.last_run?.dyno ?? '', /^scheduler\.\d+$/);
    // The latest run of the failing job may have just started: wait for its end.
    const missing = await waitFor('the failing job to record its last run', async () => {
      const job = await get('missing');
      return job.last_run?.status === 'running' ? undefined : job;
    }, 30_000);
    assert.deepEqual([missing.last_run?.status, missing.last_run?.exit_code], ['failed', 127], JSON.stringify(missing));
    assert.ok(Date.parse(missing.next_run_at) > Date.parse((jobs.missing as JobJson).next_run_at), 'the failing job stays scheduled, its next run moved on');
    const slow = await get('slow');
    assert.equal(slow.last_run?.status, 'running');
    assert.match(slow.last_skipped?.reason ?? '', /is still running/);
  });
});
