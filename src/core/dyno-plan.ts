/**
 * The dyno manager's decision, as a pure function: desired formation vs live dynos → a plan.
 * The scheduler (src/scheduler) applies the plan; `berth ps --diff` shows it. No clock, no I/O:
 * time comes in as `now` (ms since epoch).
 */
import type { DynoRecord } from './dyno-host.js';

export interface DesiredProcess {
  type: string;
  quantity: number;
  size: string;
  command: string;
  releaseVersion: number;
  /** A restart (ps:restart) asked at this time: older dynos of the type roll like a deploy. */
  restartedAt?: number;
  /** A restart of one dyno (ps:restart or ps:stop of web.2) asked at this time, by index: it rolls alone. */
  indexRestartedAt?: Readonly<Record<number, number>>;
}

/**
 * What the plan needs of a live dyno: its record's identity, release, state and crash history.
 * `stateChangedAt` is, for a crashed dyno, when it crashed; `crashCount` counts consecutive crashes
 * of the index, including this dyno's own if it crashed.
 */
export type LiveDyno = Pick<DynoRecord, 'id' | 'type' | 'index' | 'releaseVersion' | 'size' | 'command' | 'state' | 'startedAt' | 'stateChangedAt' | 'crashCount'>;

export type PlanAction =
  | { kind: 'start'; type: string; index: number; releaseVersion: number; size: string; command: string; reason: StartReason; crashCount: number; replaces?: string }
  | { kind: 'stop'; dynoId: string; name: string; reason: StopReason };

export type StartReason = 'scale' | 'release' | 'restart' | 'restart-after-crash' | 'cycle' | 'resize';
export type StopReason = 'scale-down' | 'replaced' | 'type-removed' | 'crashed-record';

export interface Plan {
  actions: PlanAction[];
  /** Human-readable facts about the app's state, e.g. waiting on a crash cool-off. */
  notes: string[];
  /** The earliest time (ms) the plan may change on its own (a cool-off or cycle ending). */
  wakeAt?: number;
}

export interface PlanPolicy {
  /** Crash cool-off before restart number n (n = 1 is the first crash). */
  coolOffMs(crashCount: number): number;
  /** A dyno up at least this long before crashing starts a fresh crash count. */
  stablePeriodMs: number;
  /** Age after which a dyno is cycled (24 h plus a per-dyno jitter, computed by the caller). */
  cycleAfterMs(dynoId: string): number;
}

const MINUTE = 60_000;

/**
 * Heroku's policy: restart at once after the first crash, then `crashCoolOffMs` (10 s) doubling
 * up to 20 min. A shorter cool-off is for tests (`berth up --crash-cool-off-ms`).
 */
export function herokuPolicyWith(options: { crashCoolOffMs?: number } = {}): PlanPolicy {
  const base = options.crashCoolOffMs ?? 10_000;
  return {
    coolOffMs: (n) => (n <= 1 ? 0 : Math.min(20 * MINUTE, base * 2 ** (n - 2))),
    stablePeriodMs: 10 * MINUTE,
    cycleAfterMs: (id) => 24 * 60 * MINUTE + jitterMs(id),
  };
}

export const herokuPolicy: PlanPolicy = herokuPolicyWith();

/** 0–216 minutes, stable per dyno id (Heroku cycles at 24 h + up to 216 min). */
export function jitterMs(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return (h % (216 * MINUTE + 1));
}

const nameOf = (d: { type: string; index: number }) => `${d.type}.${d.index}`;
/** An idle dyno counts as alive: the router wakes it, the manager must not start another. */
const alive = (d: LiveDyno) => d.state === 'starting' || d.state === 'up' || d.state === 'idle';
const gone = (d: LiveDyno) => d.state === 'stopping' || d.state === 'down';
const restartedAt = (p: DesiredProcess, index: number) => Math.max(p.restartedAt ?? -Infinity, p.indexRestartedAt?.[index] ?? -Infinity);
const matches = (d: LiveDyno, p: DesiredProcess) =>
  d.releaseVersion === p.releaseVersion && d.size === p.size && d.command === p.command && d.startedAt >= restartedAt(p, d.index);

/** One index of one process type (web.2) as the rules see it. Dynos stopping or down don't count. */
export interface Slot {
  process: DesiredProcess;
  index: number;
  name: string;
  /** Live (starting, up or idle) dynos of the desired release, size and command (started after a ps:restart, if any). */
  liveCurrent: LiveDyno[];
  /** Those of them that are up. */
  upCurrent: LiveDyno[];
  /** The most recent crash of a dyno of the desired release. */
  crashed: LiveDyno | undefined;
  /** Dynos of an older release, size or command. */
  stale: LiveDyno[];
  staleAlive: LiveDyno[];
}

/** What the rules share while planning one app: clock, policy, notes, the wake-up and cycling per type. */
export interface RuleContext {
  now: number;
  policy: PlanPolicy;
  note(text: string): void;
  wake(at: number): void;
  /** Process types with a surge or cycle in flight: they cycle no other dyno meanwhile. */
  cycling: Set<string>;
}

type SlotRule = (slot: Slot, ctx: RuleContext) => PlanAction[];

/** The most recently started dyno (of a release, then by start time), or undefined. */
const newestOf = (dynos: LiveDyno[]): LiveDyno | undefined =>
  dynos.reduce<LiveDyno | undefined>((a, b) => (!a || b.releaseVersion > a.releaseVersion || (b.releaseVersion === a.releaseVersion && b.startedAt > a.startedAt) ? b : a), undefined);

const startAt = (slot: Slot, reason: StartReason, crashCount: number, replaces?: string): PlanAction => {
  const { type, releaseVersion, size, command } = slot.process;
  return { kind: 'start', type, index: slot.index, releaseVersion, size, command, reason, crashCount, ...(replaces ? { replaces } : {}) };
};
const stop = (dyno: LiveDyno, reason: StopReason): PlanAction => ({ kind: 'stop', dynoId: dyno.id, name: nameOf(dyno), reason });

/**
 * The rules for one index, in the order their actions are listed. Their guards don't overlap, so
 * no action is ever planned twice: the starts need no live current dyno (restart after crash,
 * surge) or exactly one (cycle); each stop rule covers its own dynos.
 */
export const slotRules = {
  /** Nothing of the desired release runs here because it crashed: start it again once its cool-off has passed. */
  restartAfterCrash(slot, ctx) {
    const { crashed } = slot;
    if (slot.liveCurrent.length > 0 || !crashed) return [];
    const ranFor = crashed.stateChangedAt - crashed.startedAt;
    const count = ranFor >= ctx.policy.stablePeriodMs ? 1 : crashed.crashCount;
    const due = crashed.stateChangedAt + ctx.policy.coolOffMs(count);
    if (due <= ctx.now) return [startAt(slot, 'restart-after-crash', count, crashed.id)];
    ctx.note(`${slot.name} crashed; restarting in ${Math.ceil((due - ctx.now) / 1000)}s (crash ${count})`);
    ctx.wake(due);
    return [];
  },

  /**
   * Nothing of the desired release here and no crash: start it. A web dyno starts beside the old
   * one (the surge: no request is dropped); other types wait until the old dyno is gone.
   */
  surge(slot) {
    if (slot.liveCurrent.length > 0 || slot.crashed) return [];
    if (slot.process.type !== 'web' && slot.staleAlive.length > 0) return [];
    const { stale, process } = slot;
    const reason: StartReason =
      stale.length === 0 ? 'scale'
      : stale.some((d) => d.releaseVersion !== process.releaseVersion) ? 'release'
      : stale.some((d) => d.size !== process.size || d.command !== process.command) ? 'resize'
      : 'restart';
    return [startAt(slot, reason, 0)];
  },

  /**
   * Old live dynos: any other type stops at once. A web index keeps exactly one old dyno serving
   * (the newest up one) until a current dyno is up; superseded ones stop now — older up dynos and
   * every old dyno still starting (it would never serve), so releases made in quick succession
   * never pile up dynos.
   */
  retireStale(slot, ctx) {
    if (slot.process.type === 'web' && slot.upCurrent.length === 0) {
      const serving = newestOf(slot.staleAlive.filter((d) => d.state === 'up'));
      if (slot.crashed && serving) ctx.note(`${slot.name} of v${slot.process.releaseVersion} crashed while booting; v${serving.releaseVersion} keeps serving`);
      return slot.staleAlive.filter((d) => d !== serving).map((old) => stop(old, 'replaced'));
    }
    return slot.staleAlive.map((old) => stop(old, 'replaced'));
  },

  /** The crashed record of an older release goes at once: nothing will restart it. */
  dropStaleCrashes(slot) {
    return slot.stale.filter((d) => d.state === 'crashed').map((d) => stop(d, 'crashed-record'));
  },

  /** Two current dynos at one index (a surge or cycle): the older stops once the newest is up. */
  finishSurge(slot) {
    if (slot.upCurrent.length === 0 || slot.liveCurrent.length < 2) return [];
    const newest = newestOf(slot.liveCurrent) as LiveDyno;
    return newest.state === 'up' ? slot.liveCurrent.filter((d) => d !== newest).map((d) => stop(d, 'replaced')) : [];
  },

  /** The crashed record of the desired release goes once its replacement runs. */
  clearCrashed(slot) {
    return slot.crashed && slot.liveCurrent.length > 0 ? [stop(slot.crashed, 'crashed-record')] : [];
  },

  /** Daily cycling, one dyno per type at a time: web with a surge, other types stop first. */
  cycle(slot, ctx) {
    if (slot.liveCurrent.length !== 1 || slot.upCurrent.length !== 1 || slot.staleAlive.length > 0) return [];
    const dyno = slot.upCurrent[0] as LiveDyno;
    const due = dyno.startedAt + ctx.policy.cycleAfterMs(dyno.id);
    if (due > ctx.now) {
      ctx.wake(due);
      return [];
    }
    if (ctx.cycling.has(slot.process.type)) return [];
    ctx.cycling.add(slot.process.type);
    const start = startAt(slot, 'cycle', 0, dyno.id);
    return slot.process.type === 'web' ? [start] : [start, stop(dyno, 'replaced')];
  },
} satisfies Record<string, SlotRule>;

const RULES: SlotRule[] = Object.values(slotRules);

/** Dynos no index wants: their type is gone or scaled to zero, or their index is above the quantity. */
export function retireUnwanted(live: LiveDyno[], byType: Map<string, DesiredProcess>): PlanAction[] {
  const actions: PlanAction[] = [];
  for (const dyno of live) {
    const process = byType.get(dyno.type);
    if (!process || process.quantity === 0) {
      if (alive(dyno)) actions.push(stop(dyno, 'type-removed'));
      else if (dyno.state === 'crashed') actions.push(stop(dyno, 'crashed-record'));
    } else if (dyno.index > process.quantity && !gone(dyno)) {
      actions.push(stop(dyno, 'scale-down'));
    }
  }
  return actions;
}

function slotOf(process: DesiredProcess, index: number, live: LiveDyno[]): Slot {
  const here = live.filter((d) => d.type === process.type && d.index === index && !gone(d));
  const current = here.filter((d) => matches(d, process));
  const stale = here.filter((d) => !matches(d, process));
  return {
    process,
    index,
    name: `${process.type}.${index}`,
    liveCurrent: current.filter(alive),
    upCurrent: current.filter((d) => d.state === 'up'),
    crashed: current.filter((d) => d.state === 'crashed').sort((a, b) => b.stateChangedAt - a.stateChangedAt)[0],
    stale,
    staleAlive: stale.filter(alive),
  };
}

/**
 * Plans one app: the dynos nobody wants stop, then every index of every process type goes
 * through the slot rules. Web dynos roll with a surge (the new dyno must be up before the old one
 * stops, so a deploy never drops requests); other types stop the old dyno first (no double workers).
 */
export function planApp(desired: DesiredProcess[], live: LiveDyno[], now: number, policy: PlanPolicy = herokuPolicy): Plan {
  const notes: string[] = [];
  let wakeAt: number | undefined;
  const ctx: RuleContext = {
    now,
    policy,
    note: (text) => void notes.push(text),
    wake: (at) => {
      if (wakeAt === undefined || at < wakeAt) wakeAt = at;
    },
    cycling: new Set(),
  };
  const actions = retireUnwanted(live, new Map(desired.map((p) => [p.type, p])));
  for (const process of desired) {
    const slots = Array.from({ length: process.quantity }, (_, i) => slotOf(process, i + 1, live));
    if (slots.some((slot) => slot.liveCurrent.length > 1)) ctx.cycling.add(process.type);
    for (const slot of slots) for (const rule of RULES) actions.push(...rule(slot, ctx));
  }
  return wakeAt === undefined ? { actions, notes } : { actions, notes, wakeAt };
}
