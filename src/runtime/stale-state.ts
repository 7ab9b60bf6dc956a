/**
 * After an agent died: the new agent kills what is left in the instance's cgroups (the lead's
 * reapOrphanDynos), then calls this, BEFORE its Runtime prepares, to unmount and delete what those
 * dynos and standby sandboxes left in the state directory (scratch tmpfs and overlay mounts, hosts
 * files, the generated files' tmpfs, spare fifos). Returns how many sandbox directories it removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execHelper } from './exec.js';

export async function removeStaleSandboxes(stateDir: string): Promise<number> {
  const entries = await readdir(stateDir, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(stateDir, entry.name);
    if (!entry.name.startsWith('.')) {
      // Overlay first, then the tmpfs under it; either may be missing.
      await execHelper('/usr/bin/umount', ['-l', join(dir, 'scratch', 'app')]).catch(() => undefined);
      await execHelper('/usr/bin/umount', ['-l', join(dir, 'scratch')]).catch(() => undefined);
      removed++;
    }
    if (entry.name === '.shared') await execHelper('/usr/bin/umount', ['-l', dir]).catch(() => undefined); // its tmpfs
    await rm(dir, { recursive: true, force: true });
  }
  return removed;
}
