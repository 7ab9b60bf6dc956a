import type { Plan, PlanAction } from '../core/dyno-plan.js';
import { displaySize } from '../core/formation.js';
import type { DynoJson } from './api-types.js';
import type { Colours } from './colour.js';
import { formatWhen } from './format.js';

const dynoNumber = (name: string): number => Number(/\.(\d+)$/.exec(name)?.[1] ?? 0);
const byNumber = (a: DynoJson, b: DynoJson) => dynoNumber(a.name) - dynoNumber(b.name);

/**
 * `berth ps` as the official CLI prints it: one-off `run` dynos first, then one group per
 * command headed `=== web (Standard-1X): node server.js (2)`, a blank line after each group.
 */
export function formatDynos(dynos: readonly DynoJson[], now: Date, c: Colours): string[] {
  const lines: string[] = [];
  const state = (s: string) => (s === 'up' ? c.green(s) : c.yellow(s));
  const oneOffs = dynos.filter((d) => d.type === 'run').sort(byNumber);
  if (oneOffs.length > 0) {
    lines.push(c.bold(`=== run: one-off processes (${oneOffs.length})`));
    for (const d of oneOffs) lines.push(`${d.name} (${d.size || 'Standard-1X'}): ${state(d.state)} ${formatWhen(new Date(d.updated_at), now)}: ${d.command}`);
    lines.push('');
  }
  const others = dynos.filter((d) => d.type !== 'run');
  const commands = [...new Set(others.map((d) => d.command))];
  for (const command of commands) {
    const group = others.filter((d) => d.command === command).sort(byNumber);
    const first = group[0] as DynoJson;
    lines.push(c.bold(`=== ${first.type} (${first.size || 'Standard-1X'}): ${command} (${group.length})`));
    for (const d of group) lines.push(`${d.name}: ${state(d.state)} ${formatWhen(new Date(d.updated_at), now)}`);
    lines.push('');
  }
  return lines;
}

const START_REASONS: Record<string, string> = {
  scale: 'scaling up',
  release: 'new release',
  restart: 'restart',
  'restart-after-crash': 'restart after a crash',
  cycle: 'daily cycling',
  resize: 'new dyno size',
};

const STOP_REASONS: Record<string, string> = {
  'scale-down': 'scaling down',
  replaced: 'replaced by a newer dyno',
  'type-removed': 'process type no longer in the release',
  'crashed-record': 'forget the crashed dyno',
};

function describeAction(action: PlanAction): string {
  if (action.kind === 'stop') return `stop  ${action.name}: ${STOP_REASONS[action.reason] ?? action.reason}`;
  const crashes = action.crashCount > 0 ? `, crashed ${action.crashCount} time${action.crashCount === 1 ? '' : 's'}` : '';
  const replaces = action.replaces === undefined ? '' : `, replacing ${action.replaces}`;
  return `start ${action.type}.${action.index} (v${action.releaseVersion}, ${displaySize(action.size)}): ${START_REASONS[action.reason] ?? action.reason}${crashes}${replaces}: ${action.command}`;
}

/** `berth ps --diff`: what the dyno manager would do now, its notes, and when it looks again. */
export function formatPlan(plan: Plan, now: Date): string[] {
  const lines = plan.actions.length === 0 ? ['Nothing to do'] : plan.actions.map(describeAction);
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  if (plan.wakeAt !== undefined) {
    const seconds = Math.max(0, Math.ceil((plan.wakeAt - now.getTime()) / 1000));
    lines.push(`Next change on its own in ~ ${seconds < 60 ? `${seconds}s` : `${Math.ceil(seconds / 60)}m`}`);
  }
  return lines;
}
