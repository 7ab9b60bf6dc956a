import type { Colours } from './colour.js';

/**
 * `berth doctor`'s findings and the pure readings behind them: the cgroup layout from
 * /proc/self/mountinfo, and the report's text and JSON. Pure.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Short and stable: `cgroups`, `port 5000`, `bubblewrap`. */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

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

/** The report as lines: a mark per check, the fix under each warn or fail, then the verdict. */
export function formatDoctorReport(checks: readonly CheckResult[], c: Colours): string[] {
  const width = Math.max(...checks.map((check) => check.name.length));
  const mark = { ok: c.green('ok  '), warn: c.yellow('warn'), fail: c.red('FAIL') };
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${mark[check.status]}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.status !== 'ok' && check.fix !== undefined) lines.push(`      ${' '.repeat(width)}  ${c.dim('fix:')} ${check.fix}`);
  }
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  lines.push('');
  lines.push(
    failed > 0
      ? c.red(`${failed} check${failed === 1 ? '' : 's'} failed`) + (warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : '') + ': Berth will not run well here until fixed.'
      : warned > 0
        ? c.yellow(`All checks passed with ${warned} warning${warned === 1 ? '' : 's'}.`)
        : c.green('All checks passed.'),
  );
  return lines;
}
