/**
 * The dyno lifecycle in one process for unit tests: the real DynoSupervisor over a FakeRuntime
 * and a FakeClock, exposed as the DynoHost port the dyno manager drives (what the host agent
 * serves over its socket), with every state change and platform log line recorded.
 */
import { randomUUID } from 'node:crypto';
import { DynoSupervisor } from '../../src/agent/dyno-supervisor.js';
import type { DynoEvent, DynoHost, DynoLaunch, DynoRecord, DynoState } from '../../src/core/dyno-host.js';
import { FakeRuntime } from '../agent/fake-runtime.js';
import { EventQueue } from './event-queue.js';
import { FakeClock } from './fake-clock.js';

export interface StateChange {
  dyno: DynoRecord;
  previous: DynoState | 'down';
}

export interface PlatformLine {
  appId: string;
  process: string;
  message: string;
}

export const SAMPLE_EVERY_MS = 5_000;
export const METRICS_EVERY_MS = 20_000;

/** `sampleEveryMs`: memory sampling period (make it long when a test jumps the clock by days). */
export function supervisedHost(sampleEveryMs = SAMPLE_EVERY_MS) {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const lines = new EventQueue<PlatformLine>((l) => `heroku[${l.process}]: ${l.message}`);
  const changes = new EventQueue<StateChange>((c) => `${c.dyno.name} ${c.previous} → ${c.dyno.state}`);
  const listeners = new Set<(event: DynoEvent) => void>();
  const supervisor = new DynoSupervisor({
    runtime,
    now: clock.now,
    timers: clock,
    sampleEveryMs,
    metricsEveryMs: METRICS_EVERY_MS,
    logs: {
      append: (appId, input) => lines.push({ appId, process: input.process, message: input.message }),
      ingest: async (_appId, _source, _process, stream) => {
        for await (const chunk of stream) void chunk;
      },
    },
    onChange: (dyno, previous) => {
      changes.push({ dyno, previous });
      // The agent's events reach the control plane later than the call that caused them.
      for (const listener of listeners) queueMicrotask(() => listener({ kind: 'state', dyno, previous }));
    },
  });
  const host: DynoHost = {
    list: async () => supervisor.list(),
    start: (launch) => supervisor.start(launch),
    stop: (id, graceMs) => supervisor.stop(id, graceMs),
    forget: async (id) => supervisor.forget(id),
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return {
    clock,
    runtime,
    supervisor,
    host,
    changes,
    lines,
    /** The platform lines (`heroku[web.1]: …`) written for one dyno name, in order. */
    linesOf: (process: string) => lines.seen.filter((l) => l.process === process).map((l) => l.message),
    /** Waits for the next platform line of `process` that matches `pattern`. */
    logged: (process: string, pattern: RegExp) => lines.next(`heroku[${process}] ${pattern}`, (l) => l.process === process && pattern.test(l.message)),
    /** Waits for the next state change of `name` into `state`. */
    reaches: (name: string, state: DynoState) => changes.next(`${name} → ${state}`, (c) => c.dyno.name === name && c.dyno.state === state),
  };
}

/** A formation dyno's launch, as the dyno manager sends it. */
export function launchOf(overrides: Partial<DynoLaunch> = {}): DynoLaunch {
  const type = overrides.type ?? 'web';
  const index = overrides.index ?? 1;
  return {
    id: randomUUID(),
    appId: 'app-1',
    appName: 'shop',
    type,
    index,
    name: `${type}.${index}`,
    releaseId: 'release-2',
    releaseVersion: 2,
    size: 'standard-1x',
    command: 'node server.js',
    crashCount: 0,
    oneOff: false,
    env: {},
    slugDir: '/slugs/slug-2',
    bootTimeoutMs: 60_000,
    ...overrides,
  };
}
