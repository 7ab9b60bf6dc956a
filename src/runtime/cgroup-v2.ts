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
import { dirname, join } from 'node:path';
import type { AppliedLimits, CgroupHierarchy, Controller, DynoCgroup } from './cgroup-hierarchy.js';
import { DEDICATED_CPU_SHARES } from './cgroups.js';
import { CpuSets } from './cpu-sets.js';
import type { HostCapacity } from './host-capacity.js';
import type { DynoLimits, DynoMemory, DynoProcesses } from './types.js';

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
const CPU_PERIOD_US = 100_000;
/** cpu.weight of one ordinary process group (v2's default), what cpu.shares 1024 is on v1. */
const DEFAULT_WEIGHT = 100;

/** v1 cpu.shares (default 1024) to v2 cpu.weight (default 100), keeping the ratio to ordinary groups. */
export const sharesToWeight = (shares: number): number => Math.min(10_000, Math.max(1, Math.round((shares * DEFAULT_WEIGHT) / 1024)));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;
const field = (text: string, key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
const limitValue = (text: string): number => (text.trim() === 'max' ? Infinity : Number(text.trim()));

export class V2Hierarchy implements CgroupHierarchy {
  readonly version = 'v2';
  /** Berth's own group (delegated to it) and the instance's group under it. */
  readonly ownDir: string;
  readonly dir: string;
  private readonly fs: CgroupFs;
  /** Shared and dedicated CPUs, where cpuset is delegated. */
  private cpuSets: CpuSets | undefined;

  constructor(options: { mount: string; own: string; prefix: string; fs?: CgroupFs }) {
    this.ownDir = join(options.mount, options.own);
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

export class V2DynoCgroup implements DynoCgroup {
  dedicatedCpus: number[] = [];
  private limits: DynoLimits | undefined;

  constructor(
    private dir: string,
    private readonly fs: CgroupFs,
    private readonly cpuSets: CpuSets | undefined,
  ) {}

  get paths(): Record<Controller, string> {
    return { memory: this.dir, cpu: this.dir, pids: this.dir, cpuset: this.dir };
  }

  get joinDirs(): string[] {
    return [this.dir];
  }

  async rename(name: string): Promise<void> {
    const to = join(dirname(this.dir), name);
    await this.fs.mkdir(to);
    await this.cpuSets?.admit(to);
    for (const pid of await this.procs()) await this.fs.write(join(to, 'cgroup.procs'), String(pid)).catch((err) => { if (code(err) !== 'ESRCH') throw err; });
    const from = this.dir;
    this.dir = to;
    await this.removeDir(from, 3000);
  }

  /** Writes the size's limits; a performance size first gets its own CPUs where cpuset is delegated (else it runs on the shared ones). */
  async applyLimits(limits: DynoLimits, label: string): Promise<void> {
    this.limits = limits;
    if (limits.dedicatedCpus > 0 && this.cpuSets) this.dedicatedCpus = await this.cpuSets.dedicate(this.dir, limits.dedicatedCpus, label);
    const at = (file: string) => join(this.dir, file);
    await this.fs.write(at('memory.max'), String(limits.memoryLimitBytes));
    await this.fs.write(at('memory.high'), 'max'); // like v1: no throttling below the limit; R14 is logged from memory.current
    await this.fs.write(at('memory.swap.max'), '0').catch((err) => { if (code(err) !== 'ENOENT') throw err; });
    // As on v1: a dyno on CPUs of its own gets an ordinary group's weight (cgroups.ts).
    await this.fs.write(at('cpu.weight'), String(sharesToWeight(this.dedicatedCpus.length > 0 ? DEDICATED_CPU_SHARES : limits.cpuShares)));
    if (limits.cpuQuotaCores !== null) await this.fs.write(at('cpu.max'), `${Math.max(1000, Math.round(limits.cpuQuotaCores * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
    await this.fs.write(at('pids.max'), String(limits.pidsMax));
  }

  async appliedLimits(): Promise<AppliedLimits> {
    const [memoryMax, swapMax, pidsMax, cpuMax] = await Promise.all(
      ['memory.max', 'memory.swap.max', 'pids.max', 'cpu.max'].map((f) => this.fs.read(join(this.dir, f)).catch(() => '0')),
    );
    const [quota = 'max', period = String(CPU_PERIOD_US)] = (cpuMax ?? '').trim().split(' ');
    return {
      memoryMaxBytes: limitValue(memoryMax ?? ''),
      swapMaxBytes: limitValue(swapMax ?? ''),
      pidsMax: limitValue(pidsMax ?? ''),
      cpuQuotaCores: quota === 'max' ? null : Number(quota) / Number(period),
    };
  }

  addProcess(pid: number): Promise<void> {
    return this.fs.write(join(this.dir, 'cgroup.procs'), String(pid));
  }

  async procs(): Promise<number[]> {
    const text = await this.fs.read(join(this.dir, 'cgroup.procs')).catch(() => '');
    return text.split('\n').filter(Boolean).map(Number);
  }

  async signalAll(signal: NodeJS.Signals, spare: ReadonlySet<number> = new Set()): Promise<number[]> {
    const hit: number[] = [];
    for (const pid of await this.procs()) {
      if (spare.has(pid)) continue;
      try {
        process.kill(pid, signal);
        hit.push(pid);
      } catch {
        // already gone
      }
    }
    return hit;
  }

  /** cgroup.kill (Linux 5.14+); SIGKILL to each member where the file is missing. */
  async killAll(): Promise<void> {
    const killed = await this.fs.write(join(this.dir, 'cgroup.kill'), '1').then(() => true, (err) => {
      if (code(err) === 'ENOENT') return false;
      throw err;
    });
    if (!killed) await this.signalAll('SIGKILL');
  }

  async memory(): Promise<DynoMemory> {
    const [stat, current, swap, oomKills] = await Promise.all([
      this.fs.read(join(this.dir, 'memory.stat')),
      this.fs.read(join(this.dir, 'memory.current')),
      this.fs.read(join(this.dir, 'memory.swap.current')).catch(() => '0'),
      this.oomKills(),
    ]);
    return {
      rssBytes: field(stat, 'anon'),
      cacheBytes: field(stat, 'file'),
      swapBytes: Number(swap.trim()),
      totalBytes: Number(current.trim()),
      quotaBytes: this.limits?.memoryQuotaBytes ?? 0,
      limitBytes: this.limits?.memoryLimitBytes ?? 0,
      oomKills,
    };
  }

  async oomKills(): Promise<number> {
    return field(await this.fs.read(join(this.dir, 'memory.events')).catch(() => ''), 'oom_kill');
  }

  async processes(): Promise<DynoProcesses> {
    const [count, events] = await Promise.all([this.fs.read(join(this.dir, 'pids.current')), this.fs.read(join(this.dir, 'pids.events'))]);
    return { count: Number(count.trim()), max: this.limits?.pidsMax ?? 0, limitHits: field(events, 'max') };
  }

  async cpuUsageMicros(): Promise<number> {
    return field(await this.fs.read(join(this.dir, 'cpu.stat')), 'usage_usec');
  }

  async waitEmpty(timeoutMs: number, ignore: ReadonlySet<number> = new Set()): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.procs()).every((pid) => ignore.has(pid))) return true;
      if (Date.now() >= deadline) return false;
      await sleep(15);
    }
  }

  async remove(timeoutMs = 3000): Promise<boolean> {
    const ok = await this.removeDir(this.dir, timeoutMs);
    if (this.dedicatedCpus.length > 0) {
      this.dedicatedCpus = [];
      await this.cpuSets?.released();
    }
    return ok;
  }

  private async removeDir(dir: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const err = await this.fs.rmdir(dir).then(() => undefined, (e: unknown) => e);
      if (!err || code(err) === 'ENOENT') return true;
      if (code(err) !== 'EBUSY' || Date.now() >= deadline) return false;
      await sleep(10);
    }
  }
}
