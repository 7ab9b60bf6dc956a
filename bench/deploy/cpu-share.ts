/**
 * How much CPU the rest of the machine used while a deploy ran: machine-wide busy time from
 * /proc/stat minus what this bench's process tree used (git, Berth, its agent, build dynos and
 * dynos are all descendants). Reaped children count through their parent's cutime/cstime, so
 * short-lived processes (git, hooks, build dynos) are ours, not foreign.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 10_000; // CLK_TCK = 100

function busyUs(): number {
  const f = (readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * TICK_US;
}

function treeUs(root: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'latin1');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      ticks.set(Number(name), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {
      // gone meanwhile
    }
  }
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of parent) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  for (let n = 0; stack.length > 0 && n < 100_000; n++) {
    const pid = stack.pop() as number;
    total += ticks.get(pid) ?? 0;
    stack.push(...(kids.get(pid) ?? []));
  }
  return total * TICK_US;
}

export interface CpuWindow {
  /** Cores used by processes outside the bench's tree since start(). */
  foreignCores(): number;
  /** Cores used by the bench's tree (Berth, git, dynos) since start(). */
  ownCores(): number;
}

export function cpuWindow(root = process.pid): CpuWindow {
  const b0 = busyUs();
  const o0 = treeUs(root);
  const t0 = Date.now();
  const elapsedUs = () => Math.max(1, (Date.now() - t0) * 1000);
  return {
    foreignCores: () => Math.max(0, Math.round(((busyUs() - b0 - (treeUs(root) - o0)) / elapsedUs()) * 100) / 100),
    ownCores: () => Math.round(((treeUs(root) - o0) / elapsedUs()) * 100) / 100,
  };
}

/** Waits (at most `maxMs`) for a 1 s window in which others use < `threshold` cores. */
export async function waitQuiet(threshold: number, maxMs: number): Promise<{ waitedMs: number; foreignCores: number }> {
  const start = Date.now();
  let last = 0;
  for (let i = 0; i < 600; i++) {
    const window = cpuWindow();
    await new Promise((r) => setTimeout(r, 1000));
    last = window.foreignCores();
    if (last < threshold || Date.now() - start >= maxMs) break;
  }
  return { waitedMs: Date.now() - start, foreignCores: last };
}
