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

/** Heroku's policy: restart at once after the first crash, then 10 s doubling up to 20 min. */
export const herokuPolicy: PlanPolicy = {
  coolOffMs: (n) => (n <= 1 ? 0 : Math.min(20 * MINUTE, 10_000 * 2 ** (n - 2))),
  stablePeriodMs: 10 * MINUTE,
  cycleAfterMs: (id) => 24 * 60 * MINUTE + jitterMs(id),
};

/** 0–216 minutes, stable per dyno id (Heroku cycles at 24 h + up to 216 min). */
export function jitterMs(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return (h % (216 * MINUTE + 1));
}

const nameOf = (d: { type: string; index: number }) => `${d.type}.${d.index}`;
const alive = (d: LiveDyno) => d.state === 'starting' || d.state === 'up';
const matches = (d: LiveDyno, p: DesiredProcess) =>
  d.releaseVersion === p.releaseVersion && d.size === p.size && d.command === p.command && (p.restartedAt === undefined || d.startedAt >= p.restartedAt);

/**
 * Plans one app. Web dynos roll with a surge (the new dyno must be up before the old one stops,
 * so a deploy never drops requests); other types stop the old dyno first (no double workers).
 */
export function planApp(desired: DesiredProcess[], live: LiveDyno[], now: number, policy: PlanPolicy = herokuPolicy): Plan {
  const actions: PlanAction[] = [];
  const notes: string[] = [];
  let wakeAt: number | undefined;
  const wake = (t: number) => {
    if (wakeAt === undefined || t < wakeAt) wakeAt = t;
  };
  const byType = new Map(desired.map((p) => [p.type, p]));

  for (const dyno of live) {
    const process = byType.get(dyno.type);
    if (!process || process.quantity === 0) {
      if (alive(dyno)) actions.push({ kind: 'stop', dynoId: dyno.id, name: nameOf(dyno), reason: 'type-removed' });
      else if (dyno.state === 'crashed') actions.push({ kind: 'stop', dynoId: dyno.id, name: nameOf(dyno), reason: 'crashed-record' });
    } else if (dyno.index > process.quantity && dyno.state !== 'stopping' && dyno.state !== 'down') {
      actions.push({ kind: 'stop', dynoId: dyno.id, name: nameOf(dyno), reason: 'scale-down' });
    }
  }

  for (const process of desired) {
    let cycling = live.some((d) => d.type === process.type && d.index <= process.quantity && alive(d) && matches(d, process) && live.some((o) => o !== d && o.type === d.type && o.index === d.index && alive(o) && matches(o, process)));
    for (let index = 1; index <= process.quantity; index++) {
      const here = live.filter((d) => d.type === process.type && d.index === index && d.state !== 'down' && d.state !== 'stopping');
      const current = here.filter((d) => matches(d, process));
      const stale = here.filter((d) => !matches(d, process));
      const name = `${process.type}.${index}`;
      const upCurrent = current.filter((d) => d.state === 'up');
      const liveCurrent = current.filter(alive);
      const crashed = current.filter((d) => d.state === 'crashed').sort((a, b) => b.stateChangedAt - a.stateChangedAt)[0];
      const start = (reason: StartReason, crashCount: number, replaces?: string) =>
        actions.push({ kind: 'start', type: process.type, index, releaseVersion: process.releaseVersion, size: process.size, command: process.command, reason, crashCount, ...(replaces ? { replaces } : {}) });

      if (liveCurrent.length === 0) {
        if (crashed) {
          const ranFor = crashed.stateChangedAt - crashed.startedAt;
          const count = ranFor >= policy.stablePeriodMs ? 1 : crashed.crashCount;
          const due = crashed.stateChangedAt + policy.coolOffMs(count);
          if (due <= now) start('restart-after-crash', count, crashed.id);
          else {
            notes.push(`${name} crashed; restarting in ${Math.ceil((due - now) / 1000)}s (crash ${count})`);
            wake(due);
          }
        } else if (process.type === 'web' || stale.every((d) => !alive(d))) {
          const reason: StartReason =
            stale.length === 0 ? 'scale'
            : stale.some((d) => d.releaseVersion !== process.releaseVersion) ? 'release'
            : stale.some((d) => d.size !== process.size || d.command !== process.command) ? 'resize'
            : 'restart';
          start(reason, 0);
        }
      }
      // Old dynos at this index: web waits until a current dyno is up; others stop first.
      for (const old of stale.filter(alive)) {
        if (process.type !== 'web' || upCurrent.length > 0) actions.push({ kind: 'stop', dynoId: old.id, name, reason: 'replaced' });
        else if (crashed) notes.push(`${name} of v${process.releaseVersion} crashed while booting; v${old.releaseVersion} keeps serving`);
      }
      for (const old of stale.filter((d) => d.state === 'crashed')) actions.push({ kind: 'stop', dynoId: old.id, name, reason: 'crashed-record' });
      // Two current dynos at one index: a finished surge or cycle; stop the older once the newer is up.
      if (upCurrent.length > 0 && liveCurrent.length > 1) {
        const newest = liveCurrent.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
        if (newest.state === 'up') for (const d of liveCurrent) if (d !== newest) actions.push({ kind: 'stop', dynoId: d.id, name, reason: 'replaced' });
      }
      if (crashed && liveCurrent.length > 0) actions.push({ kind: 'stop', dynoId: crashed.id, name, reason: 'crashed-record' });
      // Daily cycling, one dyno per type at a time.
      if (liveCurrent.length === 1 && upCurrent.length === 1 && stale.filter(alive).length === 0) {
        const dyno = upCurrent[0] as LiveDyno;
        const due = dyno.startedAt + policy.cycleAfterMs(dyno.id);
        if (due <= now && !cycling) {
          cycling = true;
          start('cycle', 0, dyno.id);
          if (process.type !== 'web') actions.push({ kind: 'stop', dynoId: dyno.id, name, reason: 'replaced' });
        } else if (due > now) wake(due);
      }
    }
  }
  return wakeAt === undefined ? { actions: dedupe(actions), notes } : { actions: dedupe(actions), notes, wakeAt };
}

function dedupe(actions: PlanAction[]): PlanAction[] {
  const seen = new Set<string>();
  return actions.filter((a) => {
    const key = a.kind === 'stop' ? `stop:${a.dynoId}` : `start:${a.type}.${a.index}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
