import type { Colours } from './colour.js';

export { cgroupLayout, type CgroupLayout, type CgroupLayoutName } from '../core/cgroup-layout.js';

/**
 * `berth doctor`'s findings and the report's text and JSON (the cgroup layout reading lives in
 * core/cgroup-layout.ts, shared with the runtime). Pure.
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
