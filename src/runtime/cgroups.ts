/**
 * The cgroup v1 backend's groups for one dyno: memory, cpu, pids and cpuset (cpu-sets.ts), each at
 * /sys/fs/cgroup/<controller><our own cgroup>/berth-<prefix>/<dyno-id>. "Our own" matters: on these
 * machines the agent's memory cgroup is not the hierarchy root (see /proc/self/cgroup). The
 * launcher joins all four before exec'ing bwrap; this class writes the limits, renames standby
 * groups to their dyno's id, reads usage and OOM kills, signals every member, and removes the
 * groups once they are empty.
 */
import { renameSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AppliedLimits, CONTROLLERS, type Controller, type DynoCgroup } from './cgroup-hierarchy.js';
import type { CpuSets } from './cpu-sets.js';
import type { DynoLimits, DynoMemory, DynoProcesses } from './types.js';
import { signalPids } from './signal-pids.js';

export const CGROUP_ROOT = '/sys/fs/cgroup';
const CFS_PERIOD_US = 100_000;
/** cpu.shares of a dyno with dedicated CPUs: the weight of one ordinary process group. */
export const DEDICATED_CPU_SHARES = 1024;

/** Where each controller's groups go for this instance: <root>/<ctrl><self path>/berth-<prefix>. */
export function instanceCgroupDirs(procSelfCgroup: string, prefix: string, root = CGROUP_ROOT): Record<Controller, string> {
  const own: Partial<Record<Controller, string>> = {};
  for (const line of procSelfCgroup.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers === undefined || path === undefined) continue;
    for (const c of controllers.split(',')) if ((CONTROLLERS as readonly string[]).includes(c)) own[c as Controller] = path;
  }
  const dir = (c: Controller): string => join(root, c, own[c] ?? '/', `berth-${prefix}`);
  return { memory: dir('memory'), cpu: dir('cpu'), pids: dir('pids'), cpuset: dir('cpuset') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const readNumber = async (path: string): Promise<number> => Number((await readFile(path, 'utf8')).trim());
const tryWrite = (path: string, value: string): Promise<void> =>
  writeFile(path, value).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });

function statField(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export class V1DynoCgroup implements DynoCgroup {
  paths: Record<Controller, string>;
  private limits: DynoLimits | undefined;
  /** The CPUs dedicated to this dyno (empty: it runs on the shared ones). */
  dedicatedCpus: number[] = [];

  private constructor(
    paths: Record<Controller, string>,
    private readonly cpuSets: CpuSets,
  ) {
    this.paths = paths;
  }

  /** Make the four groups (no limits yet: see applyLimits; the cpuset one on the shared CPUs). */
  static async create(instanceDirs: Record<Controller, string>, name: string, cpuSets: CpuSets): Promise<V1DynoCgroup> {
    const group = new V1DynoCgroup(
      {
        memory: join(instanceDirs.memory, name),
        cpu: join(instanceDirs.cpu, name),
        pids: join(instanceDirs.pids, name),
        cpuset: join(instanceDirs.cpuset, name),
      },
      cpuSets,
    );
    try {
      await Promise.all(Object.values(group.paths).map((path) => mkdir(path, { recursive: true })));
      await cpuSets.admit(group.paths.cpuset);
    } catch (err) {
      await group.remove(200);
      throw err;
    }
    return group;
  }

  /** Give a standby group its dyno's name (cgroup v1 allows renaming, members and all). */
  get joinDirs(): string[] {
    return CONTROLLERS.map((c) => this.paths[c]);
  }

  async rename(name: string): Promise<void> {
    for (const c of CONTROLLERS) {
      const to = join(dirname(this.paths[c]), name);
      renameSync(this.paths[c], to);
      this.paths = { ...this.paths, [c]: to };
    }
  }

  /** Writes the size's limits; a performance size first gets its own CPUs (RuntimeError no_dedicated_cpu when none is free). */
  async applyLimits(limits: DynoLimits, label: string): Promise<void> {
    this.limits = limits;
    const { memory, cpu, pids } = this.paths;
    if (limits.dedicatedCpus > 0) this.dedicatedCpus = await this.cpuSets.dedicate(this.paths.cpuset, limits.dedicatedCpus, label);
    await Promise.all([
      (async () => {
        await writeFile(join(memory, 'memory.limit_in_bytes'), String(limits.memoryLimitBytes));
        await tryWrite(join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryLimitBytes)); // no swap
      })(),
      (async () => {
        // A dyno on CPUs of its own needs no weight: there it only meets Berth's own processes
        // (the router serving every app, the agent), which a 12× weight would starve.
        await writeFile(join(cpu, 'cpu.shares'), String(this.dedicatedCpus.length > 0 ? DEDICATED_CPU_SHARES : limits.cpuShares));
        if (limits.cpuQuotaCores !== null) {
          await writeFile(join(cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
          await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpuQuotaCores * CFS_PERIOD_US))));
        }
      })(),
      writeFile(join(pids, 'pids.max'), String(limits.pidsMax)),
    ]);
  }

  async appliedLimits(): Promise<AppliedLimits> {
    const { memory, cpu, pids } = this.paths;
    const memoryMaxBytes = await readNumber(join(memory, 'memory.limit_in_bytes'));
    const memsw = await readNumber(join(memory, 'memory.memsw.limit_in_bytes')).catch(() => memoryMaxBytes);
    const quota = await readNumber(join(cpu, 'cpu.cfs_quota_us'));
    const period = await readNumber(join(cpu, 'cpu.cfs_period_us'));
    const max = (await readFile(join(pids, 'pids.max'), 'utf8')).trim();
    return { memoryMaxBytes, swapMaxBytes: Math.max(0, memsw - memoryMaxBytes), pidsMax: max === 'max' ? Infinity : Number(max), cpuQuotaCores: quota < 0 ? null : quota / period };
  }

  async addProcess(pid: number): Promise<void> {
    for (const dir of this.joinDirs) await writeFile(join(dir, 'cgroup.procs'), String(pid));
  }

  /** Host pids of every process in the dyno. */
  async procs(): Promise<number[]> {
    const text = await readFile(join(this.paths.pids, 'cgroup.procs'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map(Number);
  }

  /** Signal every member except `spare`; returns the pids signalled. */
  async signalAll(signal: NodeJS.Signals, spare: ReadonlySet<number> = new Set()): Promise<number[]> {
    return signalPids(await this.procs(), signal, spare);
  }

  async killAll(): Promise<void> {
    await this.signalAll('SIGKILL');
  }

  /** cpuacct.usage where cpuacct shares the cpu mount; else the CPU time of the members alive now (/proc/PID/stat). */
  async cpuUsageMicros(): Promise<number> {
    const usage = await readNumber(join(this.paths.cpu, 'cpuacct.usage')).catch(() => NaN);
    if (!Number.isNaN(usage)) return Math.round(usage / 1000);
    let ticks = 0;
    for (const pid of await this.procs()) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
    }
    return ticks * 10_000; // USER_HZ is 100 on Linux
  }

  async memory(): Promise<DynoMemory> {
    const [stat, usage, oomKills] = await Promise.all([
      readFile(join(this.paths.memory, 'memory.stat'), 'utf8'),
      readNumber(join(this.paths.memory, 'memory.usage_in_bytes')),
      this.oomKills(),
    ]);
    return {
      rssBytes: statField(stat, 'total_rss'),
      cacheBytes: statField(stat, 'total_cache'),
      swapBytes: statField(stat, 'total_swap'),
      totalBytes: usage,
      quotaBytes: this.limits?.memoryQuotaBytes ?? 0,
      limitBytes: this.limits?.memoryLimitBytes ?? 0,
      oomKills,
    };
  }

  async oomKills(): Promise<number> {
    const text = await readFile(join(this.paths.memory, 'memory.oom_control'), 'utf8').catch(() => '');
    return statField(text, 'oom_kill');
  }

  async processes(): Promise<DynoProcesses> {
    const [count, events] = await Promise.all([
      readNumber(join(this.paths.pids, 'pids.current')),
      readFile(join(this.paths.pids, 'pids.events'), 'utf8'),
    ]);
    return { count, max: this.limits?.pidsMax ?? 0, limitHits: statField(events, 'max') };
  }

  /** Wait until no process is left, polling; false if some remain after timeoutMs. */
  async waitEmpty(timeoutMs: number, ignore: ReadonlySet<number> = new Set()): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.procs()).every((pid) => ignore.has(pid))) return true;
      if (Date.now() >= deadline) return false;
      await sleep(15);
    }
  }

  /** rmdir all four groups, retrying while the kernel still counts exiting members; dedicated CPUs go back to the shared dynos. */
  async remove(timeoutMs = 3000): Promise<boolean> {
    const ok = await this.rmdirAll(timeoutMs);
    if (this.dedicatedCpus.length > 0) {
      this.dedicatedCpus = [];
      await this.cpuSets.released();
    }
    return ok;
  }

  private async rmdirAll(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let ok = true;
    for (const path of Object.values(this.paths)) {
      for (;;) {
        const err = await rmdir(path).then(() => undefined, (e: NodeJS.ErrnoException) => e);
        if (!err || err.code === 'ENOENT') break;
        if (err.code !== 'EBUSY' || Date.now() >= deadline) { ok = false; break; }
        await sleep(10);
      }
    }
    return ok;
  }
}

/** Remove the instance's parent groups (only succeeds once no dyno group is left). */
export async function removeInstanceCgroups(dirs: Record<Controller, string>): Promise<void> {
  await Promise.all(Object.values(dirs).map((d) => rmdir(d).catch(() => undefined)));
}
