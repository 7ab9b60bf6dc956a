/**
 * cgroup v1 groups for one dyno: memory, cpu and pids, each at
 * /sys/fs/cgroup/<controller><our own cgroup>/berth-<prefix>/<dyno-id>. "Our own" matters: on these
 * machines the agent's memory cgroup is not the hierarchy root (see /proc/self/cgroup). The
 * launcher joins all three before exec'ing bwrap; this class writes the limits, reads usage and
 * OOM kills, signals every member, and removes the groups once they are empty.
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynoLimits, DynoMemory, DynoProcesses } from './types.js';

export const CGROUP_ROOT = '/sys/fs/cgroup';
export const CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
export type Controller = (typeof CONTROLLERS)[number];
const CFS_PERIOD_US = 100_000;

/** Where each controller's groups go for this instance: <root>/<ctrl><self path>/berth-<prefix>. */
export function instanceCgroupDirs(procSelfCgroup: string, prefix: string, root = CGROUP_ROOT): Record<Controller, string> {
  const own: Partial<Record<Controller, string>> = {};
  for (const line of procSelfCgroup.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers === undefined || path === undefined) continue;
    for (const c of controllers.split(',')) if ((CONTROLLERS as readonly string[]).includes(c)) own[c as Controller] = path;
  }
  const dir = (c: Controller): string => join(root, c, own[c] ?? '/', `berth-${prefix}`);
  return { memory: dir('memory'), cpu: dir('cpu'), pids: dir('pids') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const readNumber = async (path: string): Promise<number> => Number((await readFile(path, 'utf8')).trim());
const tryWrite = (path: string, value: string): Promise<void> =>
  writeFile(path, value).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });

function statField(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export class DynoCgroup {
  readonly paths: Record<Controller, string>;
  private readonly limits: DynoLimits;

  private constructor(paths: Record<Controller, string>, limits: DynoLimits) {
    this.paths = paths;
    this.limits = limits;
  }

  static async create(instanceDirs: Record<Controller, string>, dynoId: string, limits: DynoLimits): Promise<DynoCgroup> {
    const paths = {
      memory: join(instanceDirs.memory, dynoId),
      cpu: join(instanceDirs.cpu, dynoId),
      pids: join(instanceDirs.pids, dynoId),
    };
    const group = new DynoCgroup(paths, limits);
    try {
      await Promise.all([
        (async () => {
          await mkdir(paths.memory, { recursive: true });
          await writeFile(join(paths.memory, 'memory.limit_in_bytes'), String(limits.memoryLimitBytes));
          await tryWrite(join(paths.memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryLimitBytes)); // no swap
        })(),
        (async () => {
          await mkdir(paths.cpu, { recursive: true });
          await writeFile(join(paths.cpu, 'cpu.shares'), String(limits.cpuShares));
          if (limits.cpuQuotaCores !== null) {
            await writeFile(join(paths.cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
            await writeFile(join(paths.cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpuQuotaCores * CFS_PERIOD_US))));
          }
        })(),
        (async () => {
          await mkdir(paths.pids, { recursive: true });
          await writeFile(join(paths.pids, 'pids.max'), String(limits.pidsMax));
        })(),
      ]);
    } catch (err) {
      await group.remove(200);
      throw err;
    }
    return group;
  }

  /** Host pids of every process in the dyno. */
  async procs(): Promise<number[]> {
    const text = await readFile(join(this.paths.pids, 'cgroup.procs'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map(Number);
  }

  /** Signal every member except `spare`; returns the pids signalled. */
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
      quotaBytes: this.limits.memoryQuotaBytes,
      limitBytes: this.limits.memoryLimitBytes,
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
    return { count, max: this.limits.pidsMax, limitHits: statField(events, 'max') };
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

  /** rmdir all three groups, retrying while the kernel still counts exiting members. */
  async remove(timeoutMs = 3000): Promise<boolean> {
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
