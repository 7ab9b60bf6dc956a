/**
 * Chooses the cgroup backend once at start from /proc/self/mountinfo (core/cgroup-layout.ts): v1
 * and hybrid hosts use v1 (their controllers are mounted there), unified hosts use v2 under the
 * cgroup this process runs in (/proc/self/cgroup's `0::` line: the service's, delegated to it).
 */
import { readFile } from 'node:fs/promises';
import { cgroupLayout, ownCgroups } from '../core/cgroup-layout.js';
import type { CgroupHierarchy } from './cgroup-hierarchy.js';
import { V1Hierarchy } from './cgroup-v1.js';
import { V2Hierarchy } from './cgroup-v2.js';

export async function openCgroupHierarchy(prefix: string): Promise<CgroupHierarchy> {
  const [mountinfo, self] = await Promise.all([readFile('/proc/self/mountinfo', 'utf8'), readFile('/proc/self/cgroup', 'utf8')]);
  const found = cgroupLayout(mountinfo);
  if (found.layout === 'unified' && found.unifiedMount !== undefined) {
    return new V2Hierarchy({ mount: found.unifiedMount, own: ownCgroups(self).unified ?? '/', prefix });
  }
  return new V1Hierarchy(self, prefix);
}
