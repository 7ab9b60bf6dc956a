// The formation as a model: per process type the desired count and size (the static model), the
// live dynos (the live model), the delta between them and the dyno manager's plan to close it.
// Pure: the overview and the apps list draw what this returns.
import type { DynoJson, FormationJson, PlanAction, PlanJson } from '../api/types.js';

export type Health = 'ok' | 'converging' | 'failing' | 'idle';

export interface TypeModel {
  type: string;
  size: string;
  desired: number;
  up: number;
  starting: number;
  crashed: number;
  /** live dynos − desired: negative when dynos are missing. */
  delta: number;
  health: Health;
  actions: PlanAction[];
  dynos: DynoJson[];
}

const dynoIndex = (name: string) => Number(/\.(\d+)$/.exec(name)?.[1] ?? 0);

export function formationModel(formation: readonly FormationJson[], dynos: readonly DynoJson[], plan?: PlanJson): TypeModel[] {
  const types = new Set([...formation.map((f) => f.type), ...dynos.filter((d) => d.type !== 'run').map((d) => d.type)]);
  return [...types].sort(byWebFirst).map((type) => {
    const f = formation.find((x) => x.type === type);
    const mine = dynos.filter((d) => d.type === type).sort((a, b) => dynoIndex(a.name) - dynoIndex(b.name));
    const desired = f?.quantity ?? 0;
    const up = mine.filter((d) => d.state === 'up').length;
    const starting = mine.filter((d) => d.state === 'starting' || d.state === 'restarting').length;
    const crashed = mine.filter((d) => d.state === 'crashed').length;
    const actions = (plan?.actions ?? []).filter((a) => (a.kind === 'start' ? a.type === type : a.name.replace(/\.\d+$/, '') === type));
    return { type, size: f?.size ?? mine[0]?.size ?? '', desired, up, starting, crashed, delta: up + starting - desired, health: healthOf(desired, up, starting, crashed, actions.length), actions, dynos: mine };
  });
}

function healthOf(desired: number, up: number, starting: number, crashed: number, pending: number): Health {
  if (crashed > 0 || (desired > 0 && up === 0 && starting === 0)) return 'failing';
  if (desired === 0 && up === 0) return 'idle';
  if (up === desired && pending === 0 && starting === 0) return 'ok';
  return 'converging';
}

/** The app's status light: its worst process type. */
export function appHealth(model: readonly TypeModel[]): Health {
  const order: Health[] = ['failing', 'converging', 'ok', 'idle'];
  for (const health of order) if (model.some((m) => m.health === health)) return health;
  return 'idle';
}

function byWebFirst(a: string, b: string): number {
  if (a === 'web') return -1;
  if (b === 'web') return 1;
  return a.localeCompare(b);
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

export function describeAction(action: PlanAction): string {
  if (action.kind === 'stop') return `stop ${action.name}: ${STOP_REASONS[action.reason] ?? action.reason}`;
  const crashes = action.crashCount > 0 ? `, crashed ${action.crashCount}×` : '';
  const replaces = action.replaces === undefined ? '' : `, replacing ${action.replaces}`;
  return `start ${action.type}.${action.index} (v${action.releaseVersion}): ${START_REASONS[action.reason] ?? action.reason}${crashes}${replaces}`;
}
