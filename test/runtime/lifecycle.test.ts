// Stopping dynos and containing greedy ones: SIGTERM to every process, SIGKILL after the grace
// (R12), the memory ceiling (R15), the pids limit (fork bombs) and cleanup of cgroups.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeStaleSandboxes } from '../../src/runtime/runtime.js';
import { capture, finish, run, testRuntime, type TestRuntime } from './support.js';
import { waitFor } from '../support/wait.js';

const MB = 1024 * 1024;

describe('dyno lifecycle and limits', () => {
  let t: TestRuntime;
  let slug: string;

  before(async () => {
    t = await testRuntime();
    slug = await t.slug({
      // A parent with a child, each announcing SIGTERM on stdout and exiting cleanly.
      'family.sh': [
        'bash -c \'trap "echo child-got-term; exit 0" TERM; echo child-ready; while :; do sleep 0.05; done\' &',
        'trap "echo parent-got-term; wait; exit 0" TERM',
        'echo parent-ready',
        'while :; do sleep 0.05; done',
      ].join('\n'),
      'hog.js': 'const keep = []; for (;;) keep.push(Buffer.alloc(1 << 20).fill(1));\n',
    });
  });
  after(() => t.cleanup());

  it('stops with SIGTERM: the command exits 143 and no SIGKILL is needed', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'sleep 60' }));
    await waitFor('the dyno\'s processes to start', async () => (await dyno.processes()).count >= 3);
    assert.deepEqual(await dyno.stop(5000), { killed: false });
    const exit = await dyno.exited;
    assert.equal(exit.code, 143);
    assert.equal(exit.oomKilled, false);
  });

  it('sends SIGTERM to every process of the dyno, children included', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'bash family.sh', app: { kind: 'slug', slugDir: slug } }));
    const out = capture(dyno.stdout);
    let seen = '';
    dyno.stdout.on('data', (d: string) => { seen += d; });
    await waitFor('both processes', () => seen.includes('child-ready') && seen.includes('parent-ready'));
    assert.deepEqual(await dyno.stop(5000), { killed: false });
    assert.equal((await dyno.exited).code, 0);
    const text = await out;
    assert.match(text, /child-got-term/);
    assert.match(text, /parent-got-term/);
  });

  it('SIGKILLs a dyno that ignores SIGTERM once the grace period is over', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'trap "" TERM; echo ignoring; sleep 60' }));
    let seen = '';
    dyno.stdout.setEncoding('utf8').on('data', (d: string) => { seen += d; });
    await waitFor('the trap', () => seen.includes('ignoring'));
    assert.deepEqual(await dyno.stop(300), { killed: true });
    assert.equal((await dyno.exited).code, 137);
  });

  it('kills the dyno at its memory ceiling and reports it as an OOM kill', async () => {
    const { exit } = await run(t, {
      command: 'node hog.js',
      app: { kind: 'slug', slugDir: slug },
      limits: { memoryQuotaBytes: 32 * MB }, // ceiling 64 MB
    });
    assert.equal(exit.code, 137);
    assert.equal(exit.oomKilled, true);
  });

  it('samples memory against the quota and the ceiling', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'head -c 20m /dev/zero > /tmp/blob; echo written; sleep 60', size: 'standard-2x' }));
    let seen = '';
    dyno.stdout.setEncoding('utf8').on('data', (d: string) => { seen += d; });
    await waitFor('the write', () => seen.includes('written'));
    const memory = await dyno.memory();
    assert.equal(memory.quotaBytes, 1024 * MB);
    assert.equal(memory.limitBytes, 2048 * MB);
    assert.ok(memory.totalBytes >= 20 * MB, `tmpfs pages count: ${memory.totalBytes}`);
    assert.equal(memory.oomKills, 0);
    await dyno.stop(1000);
    await dyno.exited;
  });

  it('contains a fork bomb with its pids limit, and the host keeps working', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'bomb() { bomb | bomb & }; bomb; sleep 60', limits: { pidsMax: 64 } }));
    const output = finish(dyno);
    await waitFor('the bomb to hit the limit', async () => (await dyno.processes()).limitHits > 0);
    const processes = await dyno.processes();
    assert.ok(processes.count <= 64, `count ${processes.count}`);
    const { stdout } = await promisify(execFile)('/bin/echo', ['host alive']);
    assert.equal(stdout, 'host alive\n');
    await dyno.stop(200);
    const { exit } = await output;
    assert.notEqual(exit.code, 0);
  });

  it('ends with its main process: leftover background processes are killed and the cgroups removed', async () => {
    const dyno = await t.runtime.start(t.spec({ command: '(sleep 60 &) ; sleep 0.2; exit 5' }));
    const paths = dyno.cgroups;
    const exit = await dyno.exited;
    assert.equal(exit.code, 5);
    for (const path of Object.values(paths)) await assert.rejects(access(path), `${path} removed`);
    await assert.rejects(dyno.memory(), /has exited/);
  });

  it('stops a dyno that is told to stop while it is still booting', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'sleep 60' }));
    assert.deepEqual(await dyno.stop(5000), { killed: false });
    assert.notEqual((await dyno.exited).code, 0);
  });

  it('stops a dyno that outlives its timeout', async () => {
    const { exit } = await run(t, { command: 'sleep 60', timeoutMs: 200 });
    assert.equal(exit.timedOut, true);
    assert.equal(exit.code, 143);
  });

  it('cleans up the mounts and directories a dead agent left in the state directory', async () => {
    const stateDir = join(t.root, 'stale');
    const scratch = join(stateDir, 'some-dyno', 'scratch');
    await mkdir(join(scratch), { recursive: true });
    await promisify(execFile)('/usr/bin/mount', ['-t', 'tmpfs', 'berth-test', scratch]);
    await mkdir(join(stateDir, '.fifos'));
    assert.equal(await removeStaleSandboxes(stateDir), 1);
    assert.deepEqual(await readdir(stateDir), []);
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(scratch));
  });

  it('puts each dyno\'s limits into its own cgroups under the agent\'s memory cgroup', async () => {
    const dyno = await t.runtime.start(t.spec({ command: 'sleep 60', size: 'Performance-M' }));
    const paths = dyno.cgroups;
    const own = /^\d+:memory:(.*)$/m.exec(await readFile('/proc/self/cgroup', 'utf8'))![1]!;
    assert.ok(paths.memory.startsWith(`/sys/fs/cgroup/memory${own === '/' ? '' : own}/berth-${t.prefix}/`), paths.memory);
    assert.equal((await readFile(`${paths.memory}/memory.limit_in_bytes`, 'utf8')).trim(), String(5120 * MB));
    // Performance sizes run on CPUs of their own (cpu-sets.test.ts), where the weight is one group's.
    assert.equal((await readFile(`${paths.cpu}/cpu.shares`, 'utf8')).trim(), '1024');
    assert.equal((await readFile(`${paths.pids}/pids.max`, 'utf8')).trim(), '16384');
    await dyno.stop(1000);
    await dyno.exited;
  });

  it('caps all its dynos together under the instance parent cgroup, leaving the host a reserve', async () => {
    const capacity = await t.runtime.capacity();
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))![1]) * 1024;
    assert.ok(capacity.memoryBytes <= total - 1024 * MB, 'at least 1 GiB stays with the host');
    const dyno = await t.runtime.start(t.spec({ command: 'sleep 60' }));
    const parent = (path: string) => path.slice(0, path.lastIndexOf('/'));
    assert.equal(Number((await readFile(`${parent(dyno.cgroups.memory)}/memory.limit_in_bytes`, 'utf8')).trim()), capacity.memoryBytes);
    assert.equal(Number((await readFile(`${parent(dyno.cgroups.pids)}/pids.max`, 'utf8')).trim()), capacity.pids);
    await dyno.stop(1000);
    await dyno.exited;
  });
});

describe('a runtime on a small host', () => {
  let small: TestRuntime;
  before(async () => {
    small = await testRuntime({ capacity: { memoryBytes: 768 * MB, pids: 3000 } });
  });
  after(() => small.cleanup());

  it('never gives a dyno more than the host has: performance-l is clamped to the aggregate', async () => {
    const dyno = await small.runtime.start(small.spec({ command: 'sleep 60', size: 'performance-l' }));
    assert.equal((await readFile(`${dyno.cgroups.memory}/memory.limit_in_bytes`, 'utf8')).trim(), String(768 * MB));
    assert.equal((await readFile(`${dyno.cgroups.pids}/pids.max`, 'utf8')).trim(), '3000');
    const parent = dyno.cgroups.memory.slice(0, dyno.cgroups.memory.lastIndexOf('/'));
    assert.equal((await readFile(`${parent}/memory.limit_in_bytes`, 'utf8')).trim(), String(768 * MB));
    await dyno.stop(1000);
    await dyno.exited;
  });
});
