/**
 * The cgroup v1 backend's instance: one parent group per controller at
 * /sys/fs/cgroup/<controller><our own cgroup>/berth-<prefix> (cgroups.ts instanceCgroupDirs)
 * carrying the aggregate limits (host-capacity.ts), the cpuset parent shared out by CpuSets,
 * and a V1DynoCgroup per dyno under them.
 */
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupHierarchy, Controller, DynoCgroup } from './cgroup-hierarchy.js';
import { instanceCgroupDirs, removeInstanceCgroups, V1DynoCgroup } from './cgroups.js';
import { CpuSets } from './cpu-sets.js';
import { type HostCapacity, limitInstanceCgroups } from './host-capacity.js';

/** rmdir, retrying while the kernel still counts exiting members (EBUSY); gives up quietly. */
async function rmdirWhenEmpty(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const err = await rmdir(path).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    if (!err || err.code !== 'EBUSY' || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class V1Hierarchy implements CgroupHierarchy {
  readonly version = 'v1';
  readonly dirs: Record<Controller, string>;
  private cpuSets: CpuSets | undefined;

  constructor(procSelfCgroup: string, prefix: string, root?: string) {
    this.dirs = instanceCgroupDirs(procSelfCgroup, prefix, root);
  }

  async prepare(capacity: HostCapacity): Promise<void> {
    await limitInstanceCgroups(this.dirs, capacity);
    this.cpuSets = await CpuSets.open(this.dirs.cpuset);
  }

  create(name: string): Promise<DynoCgroup> {
    if (!this.cpuSets) throw new Error('the cgroup hierarchy was not prepared');
    return V1DynoCgroup.create(this.dirs, name, this.cpuSets);
  }

  async groupNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const dir of Object.values(this.dirs)) {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (entry.isDirectory()) names.add(entry.name);
    }
    return [...names];
  }

  async reapAll(): Promise<number> {
    const names = await this.groupNames();
    for (const id of names) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const procs = (await readFile(join(this.dirs.pids, id, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
        if (procs.length === 0) break;
        for (const pid of procs) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all(Object.values(this.dirs).map((dir) => rmdirWhenEmpty(join(dir, id), 3000)));
    }
    return names.length;
  }

  removeInstance(): Promise<void> {
    return removeInstanceCgroups(this.dirs);
  }
}
