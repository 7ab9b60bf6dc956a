import { readFile, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { instanceCgroupDirs } from '../runtime/cgroups.js';

/**
 * A new agent cannot take over dynos a dead agent left behind (their output pipes died with it),
 * so it kills them — every process in the instance's dyno cgroups — and removes the groups.
 * Returns how many dynos it reaped. The control plane then restarts what the formation needs.
 */
export async function reapOrphanDynos(prefix: string): Promise<number> {
  const dirs = instanceCgroupDirs(await readFile('/proc/self/cgroup', 'utf8'), prefix);
  const dynoIds = new Set<string>();
  for (const dir of Object.values(dirs)) {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (entry.isDirectory()) dynoIds.add(entry.name);
  }
  for (const id of dynoIds) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const procs = (await readFile(join(dirs.pids, id, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
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
    await Promise.all(Object.values(dirs).map((dir) => rmdir(join(dir, id)).catch(() => undefined)));
  }
  return dynoIds.size;
}
