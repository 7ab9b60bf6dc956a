// R15 for any process of a dyno: the real supervisor over the real runtime, with a dyno whose
// main process survives while a child it started is OOM-killed at the memory ceiling.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynoSupervisor } from '../../src/agent/dyno-supervisor.js';
import type { DynoRecord } from '../../src/core/dyno-host.js';
import { testRuntime, type TestRuntime } from '../runtime/support.js';
import { launchOf } from '../support/supervised-host.js';
import { waitFor } from '../support/wait.js';

const MB = 1024 * 1024;

describe('R15 for a child process of a dyno', () => {
  let t: TestRuntime;
  let slug: string;

  before(async () => {
    t = await testRuntime();
    slug = await t.slug({ 'hog.js': 'const keep = []; for (;;) keep.push(Buffer.alloc(1 << 20).fill(1));\n' });
  });
  after(() => t.cleanup());

  function supervised() {
    const lines: string[] = [];
    const out = { stdout: '' };
    const states: DynoRecord['state'][] = [];
    const supervisor = new DynoSupervisor({
      // The supervisor's launch, on a small ceiling (64 MB) and without the bridge network.
      runtime: { start: (spec) => t.runtime.start({ ...spec, network: 'none', limits: { memoryQuotaBytes: 32 * MB } }) },
      now: Date.now,
      sampleEveryMs: 50,
      logs: {
        append: (_appId, input) => lines.push(input.message),
        ingest: async (_appId, _source, _process, stream) => {
          for await (const chunk of stream) out.stdout += String(chunk);
        },
      },
      onChange: (record) => states.push(record.state),
    });
    return { supervisor, lines, out, states };
  }

  it('logs R15 when a child is OOM-killed, and the dyno stays up', async () => {
    const { supervisor, lines, out, states } = supervised();
    const launch = launchOf({ type: 'worker', name: 'worker.1', slugDir: slug, command: 'node hog.js; echo main-survived; exec sleep 600' });
    await supervisor.start(launch);
    await waitFor('the main process to go on after its child died', () => out.stdout.includes('main-survived'));
    await waitFor('the R15 line', () => lines.includes('Error R15 (Memory quota vastly exceeded)'));
    assert.equal(supervisor.list()[0]?.state, 'up');
    assert.equal((await supervisor.running(launch.id)?.memory())?.oomKills, 1);
    await supervisor.stop(launch.id, 5000);
    assert.equal(lines.filter((l) => l.startsWith('Error R15')).length, 1);
    assert.ok(!states.includes('crashed'), `states: ${states.join(', ')}`);
    assert.ok(!lines.includes('Stopping process with SIGKILL'), lines.join('\n'));
  });

  it('logs R15 once, with the crash, when the main process is the one killed', async () => {
    const { supervisor, lines } = supervised();
    const launch = launchOf({ type: 'worker', name: 'worker.1', slugDir: slug, command: 'exec node hog.js' });
    await supervisor.start(launch);
    await waitFor('the crash', () => supervisor.list()[0]?.state === 'crashed');
    assert.equal(supervisor.list()[0]?.lastError, 'R15');
    assert.equal(lines.filter((l) => l.startsWith('Error R15')).length, 1);
    // R14 samples may fall in between when the exit is slow to be seen.
    const from = lines.indexOf('Error R15 (Memory quota vastly exceeded)');
    assert.deepEqual(lines.slice(from).filter((l) => !/^(Error R14|Process running)/.test(l)), [
      'Error R15 (Memory quota vastly exceeded)',
      'Stopping process with SIGKILL',
      'Process exited with status 137',
      'State changed from up to crashed',
    ]);
    supervisor.forget(launch.id);
  });
});
