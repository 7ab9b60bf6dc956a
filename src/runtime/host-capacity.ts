/**
 * What this host can give all dynos together, after a reserve for Berth itself (control plane,
 * agent, router workers, add-on servers) and the rest of the machine. All of an instance's dynos
 * live under one parent cgroup per controller carrying these aggregate limits, so however many
 * dynos tenants scale to, together they can never take the host's last memory or pids; and no
 * single dyno's limit is set above them (a performance-l dyno asks for more memory than many
 * hosts have).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Controller } from './cgroup-hierarchy.js';

export interface HostCapacity {
  /** Memory all dynos of the instance may use together (bytes). */
  memoryBytes: number;
  /** Processes and threads all dynos of the instance may have together. */
  pids: number;
}

const GIB = 1024 ** 3;

/** The aggregate from the host's totals: memory minus max(1 GiB, 15 %), pids minus max(4096, 10 %). */
export function capacityFrom(host: { memTotalBytes: number; pidMax: number; threadsMax: number }): HostCapacity {
  const memoryReserve = Math.max(GIB, Math.round(host.memTotalBytes * 0.15));
  const pidCeiling = Math.min(host.pidMax, host.threadsMax);
  const pidReserve = Math.max(4096, Math.round(pidCeiling * 0.1));
  const page = 4096; // the kernel keeps memory limits in whole pages
  return {
    memoryBytes: Math.floor(Math.max(256 * 1024 ** 2, host.memTotalBytes - memoryReserve) / page) * page,
    pids: Math.max(1024, pidCeiling - pidReserve),
  };
}

/** Reads MemTotal, pid_max and threads-max from /proc. */
export async function readHostCapacity(proc = '/proc'): Promise<HostCapacity> {
  const meminfo = await readFile(join(proc, 'meminfo'), 'utf8');
  const kb = /^MemTotal:\s+(\d+) kB$/m.exec(meminfo);
  if (!kb) throw new Error(`${proc}/meminfo has no MemTotal line`);
  const number = async (file: string) => Number((await readFile(join(proc, 'sys/kernel', file), 'utf8')).trim());
  return capacityFrom({ memTotalBytes: Number(kb[1]) * 1024, pidMax: await number('pid_max'), threadsMax: await number('threads-max') });
}

/** Creates the instance's parent groups and writes the aggregate limits on them. */
export async function limitInstanceCgroups(dirs: Record<Controller, string>, capacity: HostCapacity): Promise<void> {
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  await writeFile(join(dirs.memory, 'memory.limit_in_bytes'), String(capacity.memoryBytes));
  // Swap counts too where the kernel accounts it (memsw); absent files mean no swap accounting.
  await writeFile(join(dirs.memory, 'memory.memsw.limit_in_bytes'), String(capacity.memoryBytes)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await writeFile(join(dirs.pids, 'pids.max'), String(capacity.pids));
}

/** A size's limits, lowered to what the host can give: no dyno is promised more than exists. */
export function clampToCapacity<T extends { memoryQuotaBytes: number; memoryLimitBytes: number; pidsMax: number; scratchBytes: number }>(limits: T, capacity: HostCapacity): T {
  const memoryLimitBytes = Math.min(limits.memoryLimitBytes, capacity.memoryBytes);
  return {
    ...limits,
    memoryLimitBytes,
    memoryQuotaBytes: Math.min(limits.memoryQuotaBytes, memoryLimitBytes),
    scratchBytes: Math.min(limits.scratchBytes, memoryLimitBytes),
    pidsMax: Math.min(limits.pidsMax, capacity.pids),
  };
}
