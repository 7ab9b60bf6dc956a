/**
 * The cgroup v2 backend: a delegated subtree under Berth's own cgroup (the systemd unit sets
 * `Delegate=yes`). Berth's processes move to <own>/berth-self (v2 lets controllers be enabled
 * only for a group without processes), <own>/cgroup.subtree_control enables memory, cpu, pids
 * (and cpuset where offered), <own>/berth-<prefix> carries the aggregate limits and each dyno is
 * one group under it: memory.max, memory.high, memory.swap.max (0), cpu.weight, cpu.max,
 * pids.max; memory.events oom_kill counts R15 kills; cgroup.kill stops a dyno; memory.current,
 * memory.swap.current and cpu.stat are its metrics; cpuset.cpus holds the shared CPUs or a
 * performance dyno's own (cpu-sets.ts) where cpuset is delegated. The kernel forbids renaming a
 * v2 group, so a standby group is "renamed" by moving its members into a new one. This file's
 * cgroupfs accesses go through a CgroupFs: the kernel's by default, an emulated cgroup2 tree in the
 * contract tests (CpuSets reads and writes its cpuset files directly, plain files there).
 */
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupHierarchy, DynoCgroup } from './cgroup-hierarchy.js';
import { V2DynoCgroup } from './cgroup-v2-group.js';
import { CpuSets } from './cpu-sets.js';
import type { HostCapacity } from './host-capacity.js';

/** The operations the backend needs from cgroupfs. */
export interface CgroupFs {
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  read(path: string): Promise<string>;
  write(path: string, value: string): Promise<void>;
}

export const kernelCgroupFs: CgroupFs = {
  mkdir: (path) => mkdir(path).then(() => undefined),
  rmdir: (path) => rmdir(path),
  read: (path) => readFile(path, 'utf8'),
  write: (path, value) => writeFile(path, value),
};

const WANTED = ['cpuset', 'cpu', 'memory', 'pids'] as const;
const REQUIRED = ['cpu', 'memory', 'pids'];
const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

export class V2Hierarchy implements CgroupHierarchy {
  readonly version = 'v2';
  /** Berth's own group (delegated to it) and the instance's group under it. */
  readonly ownDir: string;
  readonly dir: string;
  private readonly fs: CgroupFs;
  /** Shared and dedicated CPUs, where cpuset is delegated. */
  private cpuSets: CpuSets | undefined;

  constructor(options: { mount: string; own: string; prefix: string; fs?: CgroupFs }) {
    // Started in <service>/berth-self (moved there by an earlier start, or systemd 254+ DelegateSubgroup=berth-self): the delegated group is its parent.
    this.ownDir = join(options.mount, options.own.replace(/\/berth-self$/, ''));
    this.dir = join(this.ownDir, `berth-${options.prefix}`);
    this.fs = options.fs ?? kernelCgroupFs;
  }

  async prepare(capacity: HostCapacity): Promise<void> {
    const offered = (await this.fs.read(join(this.ownDir, 'cgroup.controllers'))).trim().split(/\s+/);
    const missing = REQUIRED.filter((c) => !offered.includes(c));
    if (missing.length > 0) {
      throw new Error(`cgroup v2: ${this.ownDir} is not given the ${missing.join(', ')} controller(s); run Berth as a systemd service with Delegate=yes (berth service:install)`);
    }
    const controllers = WANTED.filter((c) => offered.includes(c));
    const enable = controllers.map((c) => `+${c}`).join(' ');
    const enabled = (await this.fs.read(join(this.ownDir, 'cgroup.subtree_control'))).trim().split(/\s+/);
    if (!controllers.every((c) => enabled.includes(c))) {
      // No internal processes: Berth's own processes leave its group before controllers are enabled for it.
      const self = join(this.ownDir, 'berth-self');
      await this.fs.mkdir(self).catch((err) => { if (code(err) !== 'EEXIST') throw err; });
      for (const pid of await this.members(this.ownDir)) await this.fs.write(join(self, 'cgroup.procs'), String(pid)).catch((err) => { if (code(err) !== 'ESRCH') throw err; });
      await this.fs.write(join(this.ownDir, 'cgroup.subtree_control'), enable);
    }
    await this.fs.mkdir(this.dir).catch((err) => { if (code(err) !== 'EEXIST') throw err; });
    await this.fs.write(join(this.dir, 'cgroup.subtree_control'), enable);
    await this.fs.write(join(this.dir, 'memory.max'), String(capacity.memoryBytes));
    await this.fs.write(join(this.dir, 'memory.swap.max'), '0').catch((err) => { if (code(err) !== 'ENOENT') throw err; });
    await this.fs.write(join(this.dir, 'pids.max'), String(capacity.pids));
    if (controllers.includes('cpuset')) this.cpuSets = await CpuSets.open(this.dir, 'v2');
  }

  async create(name: string): Promise<DynoCgroup> {
    const dir = join(this.dir, name);
    await this.fs.mkdir(dir);
    const group = new V2DynoCgroup(dir, this.fs, this.cpuSets);
    try {
      await this.cpuSets?.admit(dir);
    } catch (err) {
      await group.remove(200);
      throw err;
    }
    return group;
  }

  async groupNames(): Promise<string[]> {
    return (await readdir(this.dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  }

  async reapAll(): Promise<number> {
    const names = await this.groupNames();
    for (const name of names) {
      const group = new V2DynoCgroup(join(this.dir, name), this.fs, undefined);
      await group.killAll();
      await group.waitEmpty(1000);
      await group.remove(1000);
    }
    return names.length;
  }

  async removeInstance(): Promise<void> {
    await this.fs.rmdir(this.dir).catch(() => undefined);
  }

  private async members(dir: string): Promise<number[]> {
    return (await this.fs.read(join(dir, 'cgroup.procs'))).split('\n').filter(Boolean).map(Number);
  }
}
