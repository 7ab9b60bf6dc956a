// Heroku Scheduler against a real Berth on the real clock: jobs with the cron `* * * * *` run
// every minute as scheduler.N dynos with their output in the app's logs; a job whose command does
// not exist fails in the logs and stays scheduled; a job still running when it is due again is
// skipped with a log line. Between the two minutes the control plane is killed (SIGKILL) and
// started again on the same data dir: the schedule, and the run still going on the agent, survive.
// Two scheduled minutes pass (at most ~2.5 minutes of waiting).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { createApp, waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/** A run needs the next minute boundary, plus dyno start-up. */
const A_MINUTE_AND_SLACK = 90_000;

interface JobJson {
  id: string;
  next_run_at: string;
  last_run: { status: string; exit_code: number | null; dyno: string } | null;
  last_skipped: { reason: string } | null;
}

describe('scheduled jobs run every minute against a real Berth, across a control-plane restart', () => {
  let first: BerthProcess;
  let second: BerthProcess | undefined;
  let repo: AppRepo;
  const app = `sched-${suffix()}`;
  const jobs: Record<string, JobJson> = {};

  before(async () => {
    first = await startBerth();
    await createApp(first, app);
    repo = await appRepo(first, app, 'procfile-web');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
    const add = async (name: string, command: string) => {
      const reply = await api(first, `/apps/${app}/scheduler/jobs`, { method: 'POST', body: JSON.stringify({ command, frequency: 'cron', cron: '* * * * *' }) });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      jobs[name] = reply.body as JobJson;
    };
    await add('tick', 'echo "scheduled-tick $DYNO"');
    await add('missing', 'no-such-command-xyz');
    await add('slow', 'echo slow-start; sleep 300');
  });
  after(async () => {
    // The first control plane was killed on purpose: its empty bridges are expected.
    const left = await shutDown(second ?? first, { killedEarlier: second !== undefined });
    await first?.stop();
    await repo?.remove();
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });

  const get = async (berth: BerthProcess, name: string) => (await api(berth, `/apps/${app}/scheduler/jobs/${(jobs[name] as JobJson).id}`)).body as JobJson;

  it('runs each job at the next minute as scheduler.N with its output in the logs; the missing command fails with 127', async () => {
    const logs = await waitForLogs(
      first,
      app,
      [
        /app\[scheduler\.\d+\]: scheduled-tick scheduler\.\d+/,
        /app\[scheduler\.(\d+)\]: .*no-such-command-xyz: (command )?not found[\s\S]*heroku\[scheduler\.\1\]: Process exited with status 127/,
        /app\[scheduler\.\d+\]: slow-start/,
        // Written once the dyno has started, so it can come after the dyno's own first lines.
        /heroku\[scheduler\]: Job [0-9a-f]{8} \(cron "\* \* \* \* \*" \(UTC\)\): starting scheduler\.\d+ on release v\d+ with command `echo "scheduled-tick \$DYNO"`/,
      ],
      A_MINUTE_AND_SLACK,
    );
    assert.match(logs, /heroku\[scheduler\]: Job [0-9a-f]{8} \(cron "\* \* \* \* \*" \(UTC\)\): starting scheduler\.\d+ on release v\d+ with command `echo "scheduled-tick \$DYNO"`/);
    const missing = await waitFor('the failing run to end', async () => {
      const job = await get(first, 'missing');
      return job.last_run?.status === 'running' ? undefined : job;
    });
    assert.deepEqual([missing.last_run?.status, missing.last_run?.exit_code], ['failed', 127], JSON.stringify(missing));
    assert.ok(Date.parse(missing.next_run_at) > Date.parse((jobs.missing as JobJson).next_run_at), 'the failing job stays scheduled, its next run moved on');
  });

  it('keeps the schedule through a SIGKILL of the control plane: the next minute runs again and the still-running job is skipped', async () => {
    const tickBefore = (await get(first, 'tick')).last_run?.dyno as string;
    const slowBefore = (await get(first, 'slow')).last_run?.dyno as string;
    assert.equal(await first.stop('SIGKILL'), null);
    second = await startBerth({ dataDir: first.dataDir });
    const tickName = tickBefore.replace('.', '\\.');
    await waitForLogs(
      second,
      app,
      [
        new RegExp(`app\\[scheduler\\.(?!${tickName.slice('scheduler\\.'.length)}\\])(\\d+)\\]: scheduled-tick scheduler\\.\\1`),
        new RegExp(`heroku\\[scheduler\\]: Skipping job [0-9a-f]{8} \\(\`echo slow-start; sleep 300\`\\): its previous run ${slowBefore.replace('.', '\\.')} is still running`),
      ],
      A_MINUTE_AND_SLACK,
    );
    const tick = await get(second, 'tick');
    assert.notEqual(tick.last_run?.dyno, tickBefore, 'a new run after the restart');
    const slow = await get(second, 'slow');
    assert.deepEqual([slow.last_run?.status, slow.last_run?.dyno], ['running', slowBefore]);
    assert.match(slow.last_skipped?.reason ?? '', /is still running/);
  });
});
