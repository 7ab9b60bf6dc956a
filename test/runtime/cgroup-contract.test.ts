// One contract for both cgroup backends, the same tests run on each: v1 on this host's real
// /sys/fs/cgroup (as root), v2 on a tree laid out like cgroup2 (emulated-cgroup2.ts, which also
// plays the kernel for what only a kernel does: OOM kills, memory and CPU accounting). Processes
// join groups through the dyno launcher's own script, as dynos do.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupHierarchy, DynoCgroup } from '../../src/runtime/cgroup-hierarchy.js';
import { V1Hierarchy } from '../../src/runtime/cgroup-v1.js';
import { V2Hierarchy } from '../../src/runtime/cgroup-v2.js';
import { readHostCapacity } from '../../src/runtime/host-capacity.js';
import { LAUNCH_SCRIPT } from '../../src/runtime/launcher.js';
import { parseCpuList } from '../../src/core/cpu-list.js';
import type { DynoLimits } from '../../src/runtime/types.js';
import { waitFor } from '../support/wait.js';
import { EmulatedCgroup2 } from './emulated-cgroup2.js';
import { uniquePrefix } from './support.js';

const MIB = 1024 ** 2;
const LIMITS: DynoLimits = { memoryQuotaBytes: 512 * MIB, memoryLimitBytes: 1024 * MIB, cpuShares: 1024, cpuQuotaCores: 0.5, pidsMax: 256, scratchBytes: 256 * MIB, dedicatedCpus: 0 };

/** One backend with the kernel's part: what the test cannot ask of the interface itself. */
interface Layout {
  hierarchy: CgroupHierarchy;
  /** Launch `argv` in the group through the launcher script, its members using `bytes` of memory. */
  useMemory(group: DynoCgroup, bytes: number): Promise<ChildProcess>;
  /** Make the kernel OOM-kill the group's members; resolves with the launched member. */
  oomKill(group: DynoCgroup): Promise<ChildProcess>;
  /** Make the group's members use some CPU time. */
  useCpu(group: DynoCgroup): Promise<ChildProcess>;
  cleanup(): Promise<void>;
}

const children = new Set<ChildProcess>();
/** Runs argv as a member of `group`, joined before exec by the launcher script. */
function launch(group: DynoCgroup, argv: string[]): ChildProcess {
  const child = spawn('/bin/sh', ['-c', LAUNCH_SCRIPT, 'berth-dyno', ...group.joinDirs, '--', ...argv], { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
const memberOf = (group: DynoCgroup, child: ChildProcess) => waitFor('the process to join its group', async () => (await group.procs()).includes(child.pid ?? -1));
const exited = (child: ChildProcess): Promise<unknown> => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit'));
const node = (code: string) => [process.execPath, '-e', code];

async function v1Layout(): Promise<Layout> {
  const hierarchy = new V1Hierarchy(await readFile('/proc/self/cgroup', 'utf8'), uniquePrefix());
  await hierarchy.prepare(await readHostCapacity());
  return {
    hierarchy,
    async useMemory(group, bytes) {
      const child = launch(group, node(`globalThis.b = Buffer.alloc(${bytes}, 1); console.log('ready'); setInterval(() => {}, 1000)`));
      await memberOf(group, child);
      await waitFor('the member to touch its memory', async () => (await group.memory()).rssBytes >= bytes);
      return child;
    },
    async oomKill(group) {
      await group.applyLimits({ ...LIMITS, memoryQuotaBytes: 48 * MIB, memoryLimitBytes: 64 * MIB }, 'oom test');
      return launch(group, node(`const k = []; for (;;) k.push(Buffer.alloc(${8 * MIB}, 1))`));
    },
    async useCpu(group) {
      return launch(group, node('const end = Date.now() + 200; while (Date.now() < end); setInterval(() => {}, 1000)'));
    },
    async cleanup() {
      await hierarchy.reapAll();
      await hierarchy.removeInstance();
    },
  };
}

async function v2Layout(): Promise<Layout> {
  const tree = await EmulatedCgroup2.create([process.pid]);
  const hierarchy = new V2Hierarchy({ mount: tree.mount, own: tree.own, prefix: uniquePrefix(), fs: tree });
  await hierarchy.prepare({ memoryBytes: 8 * 1024 * MIB, pids: 10_000 });
  const sleeper = (group: DynoCgroup) => launch(group, ['/bin/sleep', '60']);
  return {
    hierarchy,
    async useMemory(group, bytes) {
      const child = sleeper(group);
      await memberOf(group, child);
      await tree.charge(group.paths.memory, bytes);
      return child;
    },
    async oomKill(group) {
      const child = sleeper(group);
      await memberOf(group, child);
      await tree.oomKill(group.paths.memory);
      return child;
    },
    async useCpu(group) {
      const child = sleeper(group);
      await memberOf(group, child);
      await tree.useCpu(group.paths.cpu, 200_000);
      return child;
    },
    async cleanup() {
      try {
        await hierarchy.reapAll();
      } finally {
        await tree.cleanup();
      }
    },
  };
}

const isRoot = process.getuid?.() === 0;
for (const [name, open, skip] of [
  ['cgroup v1 (this host)', v1Layout, isRoot ? false : 'needs root'],
  ['cgroup v2 (an emulated cgroup2 tree)', v2Layout, false],
] as const) {
  describe(`the ${name} backend`, { skip }, () => {
    let layout: Layout;
    let n = 0;
    const fresh = () => layout.hierarchy.create(`g${++n}`);
    before(async () => {
      layout = await open();
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await layout?.cleanup();
    });

    it('makes an empty group that is listed by its name', async () => {
      const group = await layout.hierarchy.create('listed');
      assert.deepEqual(await group.procs(), []);
      assert.ok((await layout.hierarchy.groupNames()).includes('listed'));
      assert.equal(await group.remove(), true);
      assert.ok(!(await layout.hierarchy.groupNames()).includes('listed'));
    });

    it('puts a process started by the launcher script into the group before it execs', async () => {
      const group = await fresh();
      const child = launch(group, ['/bin/sleep', '60']);
      await memberOf(group, child);
      assert.deepEqual(await group.procs(), [child.pid]);
      assert.deepEqual((await group.processes()).count, 1);
      await group.killAll();
      await exited(child);
    });

    it('holds the limits it was given: memory max without swap, pids max and the cpu quota', async () => {
      const group = await fresh();
      await group.applyLimits(LIMITS, 'limits test');
      assert.deepEqual(await group.appliedLimits(), { memoryMaxBytes: LIMITS.memoryLimitBytes, swapMaxBytes: 0, pidsMax: 256, cpuQuotaCores: 0.5 });
      assert.equal((await group.processes()).max, 256);
      assert.equal(await group.remove(), true);
    });

    it('reports the memory its members use against the quota and the limit', async () => {
      const group = await fresh();
      await group.applyLimits(LIMITS, 'memory test');
      const child = await layout.useMemory(group, 64 * MIB);
      const memory = await group.memory();
      assert.ok(memory.rssBytes >= 64 * MIB, `rss ${memory.rssBytes}`);
      assert.ok(memory.totalBytes >= memory.rssBytes, `total ${memory.totalBytes} ≥ rss ${memory.rssBytes}`);
      assert.equal(memory.swapBytes, 0);
      assert.deepEqual([memory.quotaBytes, memory.limitBytes, memory.oomKills], [LIMITS.memoryQuotaBytes, LIMITS.memoryLimitBytes, 0]);
      await group.killAll();
      await exited(child);
    });

    it('counts an OOM kill inside the group, which is how R15 is told apart', async () => {
      const group = await fresh();
      assert.equal(await group.oomKills(), 0);
      const child = await layout.oomKill(group);
      await exited(child);
      assert.equal(child.signalCode, 'SIGKILL');
      assert.ok((await group.oomKills()) >= 1);
      assert.equal((await group.memory()).oomKills, await group.oomKills());
    });

    it('reports the CPU time its members used', async () => {
      const group = await fresh();
      assert.equal(await group.cpuUsageMicros(), 0);
      const child = await layout.useCpu(group);
      await waitFor('CPU time to be counted', async () => (await group.cpuUsageMicros()) > 0);
      await group.killAll();
      await exited(child);
    });

    it('kills every member at once, after which the group can be removed', async () => {
      const group = await fresh();
      const members = [spawn('/bin/sleep', ['60']), spawn('/bin/sleep', ['60'])];
      for (const child of members) await group.addProcess(child.pid ?? -1);
      assert.deepEqual((await group.procs()).sort(), members.map((c) => c.pid).sort());
      assert.equal(await group.remove(50), false, 'a group with members stays');
      await group.killAll();
      await Promise.all(members.map(exited));
      assert.deepEqual(members.map((c) => c.signalCode), ['SIGKILL', 'SIGKILL']);
      assert.equal(await group.waitEmpty(5000), true);
      assert.equal(await group.remove(), true);
    });

    it('signals every member but the spared ones', async () => {
      const group = await fresh();
      const [spared, hit] = [spawn('/bin/sleep', ['60']), spawn('/bin/sleep', ['60'])];
      for (const child of [spared, hit]) await group.addProcess(child.pid ?? -1);
      assert.deepEqual(await group.signalAll('SIGTERM', new Set([spared.pid ?? -1])), [hit.pid]);
      await exited(hit);
      assert.deepEqual(await group.procs(), [spared.pid]);
      await group.killAll();
      await exited(spared);
    });

    it('renames a standby group to its dyno, members and all', async () => {
      const group = await layout.hierarchy.create('standby-1');
      const child = launch(group, ['/bin/sleep', '60']);
      await memberOf(group, child);
      await group.rename('dyno-1');
      const names = await layout.hierarchy.groupNames();
      assert.ok(names.includes('dyno-1') && !names.includes('standby-1'), names.join(' '));
      assert.deepEqual(await group.procs(), [child.pid]);
      for (const dir of group.joinDirs) assert.match(dir, /\/dyno-1$/);
      await group.killAll();
      await exited(child);
    });

    it('gives a performance size CPUs of its own, moves the shared groups off them and back when it goes', async (t) => {
      const cpusOf = async (group: DynoCgroup) => parseCpuList(await readFile(join(group.paths.cpuset, 'cpuset.cpus'), 'utf8'));
      const shared = await fresh();
      const all = await cpusOf(shared);
      if (all.length < 2) return t.skip('a one-CPU host dedicates none (cpu-sets.test.ts covers the refusal)');
      const performance = await fresh();
      await performance.applyLimits({ ...LIMITS, dedicatedCpus: 1 }, 'performance test');
      assert.equal(performance.dedicatedCpus.length, 1);
      assert.deepEqual(await cpusOf(performance), performance.dedicatedCpus);
      assert.deepEqual(await cpusOf(shared), all.filter((c) => !performance.dedicatedCpus.includes(c)));
      assert.equal(await performance.remove(), true);
      assert.deepEqual(await cpusOf(shared), all);
      assert.equal(await shared.remove(), true);
    });

    it('reaps every group with its processes, as a new agent does after one died', async () => {
      const group = await layout.hierarchy.create('orphan');
      const child = launch(group, ['/bin/sleep', '60']);
      await memberOf(group, child);
      assert.ok((await layout.hierarchy.reapAll()) >= 1);
      await exited(child);
      assert.deepEqual(await layout.hierarchy.groupNames(), []);
    });
  });
}

describe('the cgroup v2 backend in its delegated subtree', () => {
  it('moves Berth out of its own group and enables the controllers for the instance subtree', async () => {
    const sleeper = spawn('/bin/sleep', ['60']);
    const tree = await EmulatedCgroup2.create([sleeper.pid ?? -1]);
    try {
      const hierarchy = new V2Hierarchy({ mount: tree.mount, own: tree.own, prefix: 'p1', fs: tree });
      await hierarchy.prepare({ memoryBytes: 4 * 1024 * MIB, pids: 5000 });
      const own = join(tree.mount, tree.own);
      assert.equal(await tree.read(join(own, 'cgroup.procs')), '');
      assert.equal(await tree.read(join(own, 'berth-self', 'cgroup.procs')), `${sleeper.pid}\n`);
      assert.deepEqual((await tree.read(join(own, 'cgroup.subtree_control'))).trim().split(' ').sort(), ['cpu', 'cpuset', 'memory', 'pids']);
      assert.equal((await tree.read(join(hierarchy.dir, 'memory.max'))).trim(), String(4 * 1024 * MIB));
      assert.equal((await tree.read(join(hierarchy.dir, 'memory.swap.max'))).trim(), '0');
      assert.equal((await tree.read(join(hierarchy.dir, 'pids.max'))).trim(), '5000');
      const group = await hierarchy.create('d');
      await group.applyLimits({ ...LIMITS, cpuShares: 2048 }, 'weight');
      assert.equal((await tree.read(join(hierarchy.dir, 'd', 'cpu.weight'))).trim(), '200', 'twice the default weight, as 2048 shares are on v1');
      assert.equal((await tree.read(join(hierarchy.dir, 'd', 'memory.high'))).trim(), 'max');
      await group.remove();
      await hierarchy.prepare({ memoryBytes: 4 * 1024 * MIB, pids: 5000 }); // a restart finds it all in place
      const restarted = new V2Hierarchy({ mount: tree.mount, own: `${tree.own}/berth-self`, prefix: 'p1', fs: tree });
      assert.equal(restarted.dir, hierarchy.dir, 'started in berth-self, Berth uses the same subtree');
      await restarted.prepare({ memoryBytes: 4 * 1024 * MIB, pids: 5000 });
    } finally {
      sleeper.kill('SIGKILL');
      await tree.cleanup();
    }
  });

  it('refuses to start when the memory controller is not delegated, saying Delegate=yes is needed', async () => {
    const tree = await EmulatedCgroup2.create([], 'cpu pids');
    try {
      const hierarchy = new V2Hierarchy({ mount: tree.mount, own: tree.own, prefix: 'p2', fs: tree });
      await assert.rejects(hierarchy.prepare({ memoryBytes: MIB * 512, pids: 100 }), /not given the memory controller.*Delegate=yes/);
      assert.deepEqual(await hierarchy.groupNames(), []);
    } finally {
      await tree.cleanup();
    }
  });
});
