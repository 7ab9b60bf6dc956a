/**
 * Which cgroup hierarchy a host mounts, read from /proc/self/mountinfo: v1 (controllers each on
 * their own `cgroup` mount), hybrid (v1 controllers plus a cgroup2 mount beside them), unified
 * (cgroup2 alone) or none; and this process's own group per hierarchy from /proc/self/cgroup.
 * Pure: `berth doctor` reports it, the runtime chooses its cgroup backend with it.
 */

export type CgroupLayoutName = 'v1' | 'hybrid' | 'unified' | 'none';

export interface CgroupLayout {
  layout: CgroupLayoutName;
  /** v1 controller → its mount point (`memory` → `/sys/fs/cgroup/memory`). */
  v1: Record<string, string>;
  /** The cgroup2 mount, if any (`/sys/fs/cgroup` unified, `/sys/fs/cgroup/unified` hybrid). */
  unifiedMount: string | undefined;
}

/** The kernel's cgroup v1 controllers (a super option of a `cgroup` mount may also be `xattr`, `name=…`). */
const V1_CONTROLLERS = new Set(['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'misc', 'net_cls', 'net_prio', 'perf_event', 'pids', 'rdma']);

/** Reads the layout from mountinfo lines: `… MOUNTPOINT OPTIONS … - FSTYPE SOURCE SUPEROPTIONS`. */
export function cgroupLayout(mountinfo: string): CgroupLayout {
  const v1: Record<string, string> = {};
  let unifiedMount: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , superOptions = ''] = right.split(' ');
    if (mountPoint === undefined) continue;
    if (fsType === 'cgroup2') unifiedMount ??= unescapeMount(mountPoint);
    if (fsType === 'cgroup') {
      for (const option of superOptions.split(',')) {
        if (!V1_CONTROLLERS.has(option)) continue;
        v1[option] ??= unescapeMount(mountPoint);
      }
    }
  }
  const hasV1 = Object.keys(v1).length > 0;
  const layout: CgroupLayoutName = hasV1 ? (unifiedMount === undefined ? 'v1' : 'hybrid') : unifiedMount === undefined ? 'none' : 'unified';
  return { layout, v1, unifiedMount };
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** This process's own cgroup: `v1` per controller (`memory` → `/user.slice`), `unified` from the `0::` line. */
export function ownCgroups(procSelfCgroup: string): { v1: Record<string, string>; unified: string | undefined } {
  const v1: Record<string, string> = {};
  let unified: string | undefined;
  for (const line of procSelfCgroup.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const [id, controllers, path] = [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
    if (id === '0' && controllers === '') unified = path;
    else for (const c of controllers.split(',')) if (c !== '') v1[c] = path;
  }
  return { v1, unified };
}
