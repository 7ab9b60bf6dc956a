import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openCgroupHierarchy } from '../runtime/open-cgroup-hierarchy.js';

/**
 * A new agent cannot take over dynos a dead agent left behind (their output pipes died with it),
 * so it kills them — every process in the instance's dyno cgroups (v1 or v2) — and removes the groups.
 * With `stateDir` (the runtime's), it also unmounts the scratch filesystems those dynos left
 * under it and removes their directories. Returns how many dynos it reaped. The control plane
 * then restarts what the formation needs.
 */
export async function reapOrphanDynos(prefix: string, stateDir?: string): Promise<number> {
  const hierarchy = await openCgroupHierarchy(prefix);
  const reaped = await hierarchy.reapAll();
  // The instance's own groups too, if empty (the runtime makes them again on its first dyno).
  await hierarchy.removeInstance();
  if (stateDir) await unmountLeftovers(stateDir);
  return reaped;
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
