/**
 * One dyno's group in the cgroup v2 backend (cgroup-v2.ts): its limits, members, kill, metrics,
 * the "rename" of a standby group (v2 forbids renaming: the members move to a new group) and its
 * removal, every cgroupfs access through the hierarchy's CgroupFs.
 */
import { dirname, join } from 'node:path';
import type { AppliedLimits, Controller, DynoCgroup } from './cgroup-hierarchy.js';
import type { CgroupFs } from './cgroup-v2.js';
import { DEDICATED_CPU_SHARES } from './cgroups.js';
import type { CpuSets } from './cpu-sets.js';
import type { DynoLimits, DynoMemory, DynoProcesses } from './types.js';
import { signalPids } from './signal-pids.js';

const CPU_PERIOD_US = 100_000;
/** cpu.weight of one ordinary process group (v2's default), what cpu.shares 1024 is on v1. */
const DEFAULT_WEIGHT = 100;

/** v1 cpu.shares (default 1024) to v2 cpu.weight (default 100), keeping the ratio to ordinary groups. */
export const sharesToWeight = (shares: number): number => Math.min(10_000, Math.max(1, Math.round((shares * DEFAULT_WEIGHT) / 1024)));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;
const field = (text: string, key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
const limitValue = (text: string): number => (text.trim() === 'max' ? Infinity : Number(text.trim()));

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
    return signalPids(await this.procs(), signal, spare);
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
