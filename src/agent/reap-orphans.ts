import { execFile } from 'node:child_process';
import { readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { instanceCgroupDirs, removeInstanceCgroups } from '../runtime/cgroups.js';

/**
 * A new agent cannot take over dynos a dead agent left behind (their output pipes died with it),
 * so it kills them — every process in the instance's dyno cgroups — and removes the groups.
 * With `stateDir` (the runtime's), it also unmounts the scratch filesystems those dynos left
 * under it and removes their directories. Returns how many dynos it reaped. The control plane
 * then restarts what the formation needs.
 */
export async function reapOrphanDynos(prefix: string, stateDir?: string): Promise<number> {
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
  // The instance's own groups too, if empty (the runtime makes them again on its first dyno).
  await removeInstanceCgroups(dirs);
  if (stateDir) await unmountLeftovers(stateDir);
  return dynoIds.size;
}

/** /proc/mounts escapes spaces and friends as octal (`\040`). */
const unescapeMount = (path: string) => path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Unmounts (lazily, deepest first) every mount under stateDir/<sandbox>/ and removes those sandbox dirs. */
async function unmountLeftovers(stateDir: string): Promise<void> {
  const prefix = `${stateDir.replace(/\/+$/, '')}/`;
  const targets = (await readFile('/proc/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => unescapeMount(line.split(' ')[1] ?? ''))
    .filter((target) => target.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) {
    await new Promise<void>((resolve) => execFile('/usr/bin/umount', ['-l', target], { timeout: 10_000 }, () => resolve()));
  }
  const sandboxes = new Set(targets.map((target) => target.slice(prefix.length).split('/')[0] ?? '').filter((name) => name !== '' && !name.startsWith('.')));
  for (const name of sandboxes) await rm(join(prefix, name), { recursive: true, force: true }).catch(() => undefined);
}
