// Signalling a cgroup's members, shared by the v1 and v2 groups: each pid once, gone ones skipped.

/** Sends `signal` to every pid but those in `spare`; returns the pids signalled. */
export function signalPids(pids: readonly number[], signal: NodeJS.Signals, spare: ReadonlySet<number>): number[] {
  const hit: number[] = [];
  for (const pid of pids) {
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
