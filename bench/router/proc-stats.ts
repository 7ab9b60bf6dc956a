/** CPU accounting from /proc: per process tree (µs of CPU) and machine-wide busy time. */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_US = 10_000; // CLK_TCK = 100 on Linux

interface ProcStat {
  ppid: number;
  /** utime + stime (+ cutime + cstime when `withChildren`), in ticks. */
  own: number;
  children: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** CPU µs used so far by `root` and its live descendants (plus reaped children of `root` with `withReaped`). */
export function treeCpuUs(root: number, withReaped = false): number {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s) stats.set(Number(name), s);
  }
  const kids = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    const list = kids.get(s.ppid) ?? [];
    list.push(pid);
    kids.set(s.ppid, list);
  }
  let ticks = 0;
  const stack = [root];
  for (let n = 0; stack.length > 0 && n < 100_000; n++) {
    const pid = stack.pop() as number;
    const s = stats.get(pid);
    if (!s) continue;
    ticks += s.own + (withReaped && pid === root ? s.children : 0);
    stack.push(...(kids.get(pid) ?? []));
  }
  return ticks * TICK_US;
}

/** Machine-wide busy CPU µs so far (user+nice+system+irq+softirq+steal over all cores). */
export function busyCpuUs(): number {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * TICK_US;
}

/** CPU (in cores) used by processes outside `root`'s tree during `fn`. */
export async function foreignLoad<T>(root: number, fn: () => Promise<T>): Promise<{ result: T; foreignCores: number }> {
  const b0 = busyCpuUs();
  const o0 = treeCpuUs(root, true);
  const t0 = Date.now();
  const result = await fn();
  const foreignUs = busyCpuUs() - b0 - (treeCpuUs(root, true) - o0);
  return { result, foreignCores: Math.max(0, foreignUs / ((Date.now() - t0) * 1000)) };
}

/** Waits (at most `maxMs`) for a 1 s window in which others use < `threshold` cores. */
export async function waitQuiet(root: number, threshold: number, maxMs: number): Promise<{ waitedMs: number; foreignCores: number }> {
  const start = Date.now();
  let last = 0;
  for (let i = 0; i < 1000; i++) {
    const { foreignCores } = await foreignLoad(root, () => new Promise((r) => setTimeout(r, 1000)));
    last = foreignCores;
    if (foreignCores < threshold || Date.now() - start > maxMs) break;
  }
  return { waitedMs: Date.now() - start, foreignCores: last };
}
