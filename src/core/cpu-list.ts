// CPU lists as the kernel writes them (`0-3,6`) and the choice of dedicated CPUs for a
// performance dyno: pure, so the policy is table-tested apart from cgroup files.

/** `0-3,6` → [0, 1, 2, 3, 6]; an empty string is no CPU. Throws on anything else. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',').filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a CPU list: ${JSON.stringify(text)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** [0, 1, 2, 3, 6] → `0-3,6`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** CPUs always left to shared dynos (and Berth itself): never all of a host goes to performance dynos. */
export const SHARED_CPUS_KEPT = 1;

/**
 * The CPUs a performance dyno gets: up to `want` of the host's CPUs that no other dedicated dyno
 * holds, highest numbers first (CPU 0 takes most interrupts), leaving SHARED_CPUS_KEPT for the
 * shared dynos. Fewer than `want` when the host is small; undefined when not one CPU is free.
 */
export function chooseDedicatedCpus(all: readonly number[], held: ReadonlySet<number>, want: number): number[] | undefined {
  const free = all.filter((c) => !held.has(c)).sort((a, b) => b - a);
  const grant = Math.min(want, free.length - SHARED_CPUS_KEPT);
  if (grant < 1) return undefined;
  return free.slice(0, grant).sort((a, b) => a - b);
}
