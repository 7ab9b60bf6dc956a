// Dedicated CPUs for performance dynos (cpuset): a performance dyno runs on CPUs no shared dyno
// of the instance runs on, one CPU always stays shared, a performance dyno finding none free is
// refused with a clear error, and the CPUs go back to the shared dynos when it stops.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseCpuList } from '../../src/core/cpu-list.js';
import { RuntimeError } from '../../src/runtime/errors.js';
import type { RunningDyno } from '../../src/runtime/types.js';
import { testRuntime, type TestRuntime } from './support.js';
import { waitFor } from '../support/wait.js';

const cpusOf = async (dyno: RunningDyno): Promise<number[]> => parseCpuList(await readFile(`${dyno.cgroups.cpuset}/cpuset.cpus`, 'utf8'));

/** The CPUs the kernel lets the dyno's processes run on (what the cgroup file promises, checked at the source). */
async function allowedCpus(dyno: RunningDyno): Promise<number[]> {
  const pids = (await readFile(`${dyno.cgroups.cpuset}/cgroup.procs`, 'utf8')).trim().split('\n').filter(Boolean);
  assert.ok(pids.length > 0, 'the dyno has processes');
  const lists = await Promise.all(pids.map(async (pid) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''))?.[1] ?? ''));
  const seen = [...new Set(lists.filter(Boolean))];
  assert.equal(seen.length, 1, `every process of the dyno has the same CPUs (${seen.join(' / ')})`);
  return parseCpuList(seen[0] as string);
}

const stop = async (dyno: RunningDyno | undefined) => {
  if (!dyno) return;
  await dyno.stop(1000);
  await dyno.exited;
};

const all = parseCpuList(readFileSync('/sys/fs/cgroup/cpuset/cpuset.effective_cpus', 'utf8'));
const skip = all.length < 2 ? 'needs a host with 2 CPUs or more' : false;

describe('dedicated CPUs for performance dynos', () => {
  let t: TestRuntime;
  before(async () => {
    t = await testRuntime();
  });
  after(() => t.cleanup());

  it('runs a performance-m dyno on CPUs of its own and keeps shared dynos off them, then gives them back', { skip }, async () => {
    const shared = await t.runtime.start(t.spec({ command: 'sleep 60' }));
    let performance: RunningDyno | undefined;
    try {
      assert.deepEqual(await cpusOf(shared), all, 'alone, a shared dyno may use every CPU');
      performance = await t.runtime.start(t.spec({ command: 'sleep 60', size: 'performance-m' }));
      const own = await cpusOf(performance);
      assert.equal(own.length, Math.min(2, all.length - 1), 'performance-m asks for 2 CPUs and one CPU stays shared');
      const rest = await cpusOf(shared);
      assert.deepEqual([...rest, ...own].sort((a, b) => a - b), all, 'the shared dyno keeps exactly the CPUs not dedicated');
      await waitFor('the performance dyno\'s processes', async () => (await readFile(`${performance!.cgroups.cpuset}/cgroup.procs`, 'utf8')).trim() !== '');
      assert.deepEqual(await allowedCpus(performance), own);
      assert.deepEqual(await allowedCpus(shared), rest);
      const later = await t.runtime.start(t.spec({ command: 'sleep 60', size: 'standard-2x' }));
      assert.deepEqual(await cpusOf(later), rest, 'a shared dyno started later avoids the dedicated CPUs too');
      await stop(later);
      await stop(performance);
      performance = undefined;
      assert.deepEqual(await cpusOf(shared), all, 'the dedicated CPUs went back to the shared dyno');
      assert.deepEqual(await allowedCpus(shared), all);
    } finally {
      await stop(performance);
      await stop(shared);
    }
  });

  it('refuses a performance dyno when every CPU that can be dedicated is held, saying so', { skip }, async () => {
    const held: RunningDyno[] = [];
    try {
      let refused: unknown;
      for (let i = 0; i < all.length && refused === undefined; i++) {
        try {
          held.push(await t.runtime.start(t.spec({ command: 'sleep 60', size: 'performance-l' })));
        } catch (err) {
          refused = err;
        }
      }
      assert.ok(refused instanceof RuntimeError && refused.code === 'no_dedicated_cpu', String(refused));
      assert.match((refused as Error).message, /performance dyno needs a CPU of its own.*one stays shared/);
      const taken = (await Promise.all(held.map(cpusOf))).flat();
      assert.equal(new Set(taken).size, taken.length, 'no CPU is dedicated twice');
      assert.equal(taken.length, all.length - 1, 'all but one CPU were dedicated before the refusal');
      const shared = await t.runtime.start(t.spec({ command: 'sleep 60' }));
      assert.equal((await cpusOf(shared)).length, 1, 'shared dynos still start, on the CPU kept shared');
      await stop(shared);
    } finally {
      for (const d of held) await stop(d);
    }
  });
});
