/**
 * DynoSupervisor: runs the host's dynos through the runtime and watches each one's lifecycle;
 * what an exit means is core/exit-outcome.ts, an attached terminal is attach-terminal.ts.
 */
import type { Duplex } from 'node:stream';
import type { DynoLaunch, DynoRecord, DynoState } from '../core/dyno-host.js';
import { exitOutcome, type DynoEnd } from '../core/exit-outcome.js';
import type { LogSource } from '../core/log-line.js';
import { dynoError } from '../core/platform-codes.js';
import type { Timers } from '../core/timers.js';
import type { DynoSpec, RunningDyno } from '../runtime/types.js';
import { formatRuntimeMetrics } from '../logplex/runtime-metrics.js';
import { attachTerminal } from './attach-terminal.js';
import { DynoLoad } from './dyno-load.js';

export interface SupervisorLogs {
  append(appId: string, input: { source: LogSource; process: string; message: string }): void;
  ingest(appId: string, source: LogSource, process: string, stream: NodeJS.ReadableStream): Promise<void>;
}

export interface SupervisorDeps {
  runtime: { start(spec: DynoSpec): Promise<RunningDyno> };
  logs: SupervisorLogs;
  /** Every state change (the agent broadcasts it and updates the route table). */
  onChange(record: DynoRecord, previous: DynoState | 'down', dyno?: RunningDyno): void;
  /** A wake failed (the dyno never came up): it is idle again and the next request retries. */
  onWakeFailed?(record: DynoRecord): void;
  /**
   * A web dyno that served is leaving the route (its `stopping` change was just reported): resolves
   * once no router sends it new requests and its requests in flight finished. SIGTERM waits for it
   * (at most `timeoutMs`, the stop grace). Without it, SIGTERM follows at once.
   */
  drain?(record: DynoRecord, address: { host: string; port: number }, timeoutMs: number): Promise<unknown>;
  now(): number;
  /** Sampling timers (default: the system's, unref'd). */
  timers?: Timers;
  /** How often memory is sampled for R14 (default 5 s, or metricsEveryMs when that is shorter). */
  sampleEveryMs?: number;
  /** At most one R14 and one runtime-metrics sample per dyno this often (default 20 s, Heroku's). */
  metricsEveryMs?: number;
  /** Every sample of an up dyno's cgroup (memory every sampleEveryMs, and its load average), for the app's metrics. */
  onSample?(record: DynoRecord, sample: { rssBytes: number; swapBytes: number; quotaBytes: number; load1m: number }): void;
}

interface Entry {
  record: DynoRecord;
  launch: DynoLaunch;
  dyno?: RunningDyno;
  stopping: boolean;
  /** Cancels the memory/metrics sampling. */
  stopSampling?: () => void;
  lastR14?: number;
  lastMetrics?: number;
  /** OOM kills inside the dyno seen by sampling, and those logged as R15 by it. */
  oomKillsSeen: number;
  oomKillsReported: number;
  load?: DynoLoad;
  /** Being idled: its exit leaves it `idle` rather than gone. */
  idling?: boolean;
  /** Woken from idle and not up yet: a failed boot returns it to `idle`. */
  waking?: boolean;
  /** A wake asked while it was still being idled: it starts again as soon as it has exited. */
  wakeRequested?: boolean;
}

/** How the platform lines name a state: an idle dyno is `down` to Heroku's users. */
const shown = (state: DynoState | 'down'): string => (state === 'idle' ? 'down' : state);

const MB = 1024 * 1024;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const METRICS_EVERY_MS = 20_000;
const SAMPLE_EVERY_MS = 5_000;
/** How long an OOM kill seen by sampling waits for the dyno's exit before it counts as a child's. */
const OOM_EXIT_WAIT_MS = 2_000;

/** The system's timers, unref'd (they never keep the agent alive). */
export const systemTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * Runs dynos on this host and watches them: boot (R10), exits and crashes, memory (R14/R15),
 * stops (SIGTERM, grace, SIGKILL → R12), runtime metrics. Writes Heroku's platform lines
 * (`heroku[web.1]: State changed from starting to up`) and reports every state change.
 */
export class DynoSupervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly metricsEveryMs: number;
  private readonly sampleEveryMs: number;
  private readonly timers: Timers;

  constructor(private readonly deps: SupervisorDeps) {
    this.timers = deps.timers ?? systemTimers;
    this.metricsEveryMs = deps.metricsEveryMs ?? METRICS_EVERY_MS;
    this.sampleEveryMs = deps.sampleEveryMs ?? Math.min(SAMPLE_EVERY_MS, this.metricsEveryMs);
  }

  list(): DynoRecord[] {
    return [...this.entries.values()].map((e) => ({ ...e.record }));
  }

  running(id: string): RunningDyno | undefined {
    return this.entries.get(id)?.dyno;
  }

  async start(launch: DynoLaunch): Promise<DynoRecord> {
    const entry = this.register(launch, null);
    await this.launch(entry);
    return { ...entry.record };
  }

  /**
   * An attached one-off dyno (`heroku run`): recorded now, started when its client connects
   * through the rendezvous (attach), abandoned with R13 if nobody comes.
   */
  prepareAttached(launch: DynoLaunch, attachUrl: string): DynoRecord {
    return { ...this.register(launch, attachUrl).record };
  }

  /** The client of an attached dyno arrived: start it with the socket as its terminal. */
  async attach(id: string, socket: Duplex): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.dyno || entry.stopping) {
      socket.end();
      return;
    }
    await this.launch(entry, socket);
  }

  /** Nobody attached in time. */
  abandon(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.dyno) return;
    this.platform(entry, dynoError('R13', 'Failed to attach to process'));
    this.entries.delete(id);
    const previous = entry.record.state;
    entry.record.state = 'down';
    this.deps.onChange({ ...entry.record }, previous);
  }

  private register(launch: DynoLaunch, attachUrl: string | null): Entry {
    const now = this.deps.now();
    const record: DynoRecord = {
      id: launch.id,
      appId: launch.appId,
      appName: launch.appName,
      type: launch.type,
      index: launch.index,
      name: launch.name,
      releaseId: launch.releaseId,
      releaseVersion: launch.releaseVersion,
      size: launch.size,
      command: launch.command,
      state: 'starting',
      startedAt: now,
      stateChangedAt: now,
      crashCount: launch.crashCount,
      oneOff: launch.oneOff,
      exitCode: null,
      lastError: null,
      attachUrl,
    };
    const entry: Entry = { record, launch, stopping: false, oomKillsSeen: 0, oomKillsReported: 0 };
    this.entries.set(launch.id, entry);
    this.deps.onChange({ ...record }, 'down');
    return entry;
  }

  private async launch(entry: Entry, terminal?: Duplex): Promise<void> {
    const { launch } = entry;
    this.platform(entry, `Starting process with command \`${launch.command}\``);
    try {
      entry.dyno = await this.deps.runtime.start({
        id: launch.id,
        appId: launch.appId,
        appName: launch.appName,
        name: launch.name,
        command: launch.command,
        env: launch.env,
        size: launch.size,
        network: 'bridge',
        app: { kind: 'slug', slugDir: launch.slugDir },
        ...(terminal ? { stdin: true, tty: launch.attach?.tty ?? false } : {}),
        ...(launch.timeToLiveMs ? { timeoutMs: launch.timeToLiveMs } : {}),
      });
    } catch (err) {
      terminal?.end();
      this.ended(entry, { kind: 'start-failed', error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const dyno = entry.dyno;
    if (terminal) attachTerminal(dyno, terminal, { tty: launch.attach?.tty ?? false, onClose: () => void this.stop(entry.record.id, 5000) });
    else {
      void this.deps.logs.ingest(launch.appId, 'app', launch.name, dyno.stdout).catch(() => undefined);
      void this.deps.logs.ingest(launch.appId, 'app', launch.name, dyno.stderr).catch(() => undefined);
    }
    void dyno.exited.then((exit) =>
      this.ended(entry, {
        kind: 'exited',
        code: exit.code,
        oomKilled: exit.oomKilled,
        oomReported: exit.oomKills <= entry.oomKillsReported,
        sandboxError: exit.sandboxFailed ? exit.error ?? 'sandbox failed' : undefined,
      }),
    );
    entry.load = new DynoLoad(`${dyno.cgroups.memory}/cgroup.procs`);
    entry.stopSampling = this.timers.every(this.sampleEveryMs, () => void this.sample(entry));
    if (launch.type === 'web' && !launch.oneOff) void this.boot(entry, dyno);
    else this.setState(entry, 'up');
  }

  /** Stops a dyno: SIGTERM to every process, `graceMs`, then SIGKILL. Resolves once it exited. */
  async stop(id: string, graceMs: number): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.record.state === 'crashed') {
      this.forget(id);
      return;
    }
    if (entry.record.state === 'idle') {
      await entry.dyno?.exited;
      this.dropIdle(entry);
      return;
    }
    if (!entry.dyno) {
      this.abandon(id);
      return;
    }
    if (!entry.stopping) {
      entry.stopping = true;
      const served = entry.record.state === 'up' && entry.launch.type === 'web' && !entry.launch.oneOff;
      this.setState(entry, 'stopping');
      if (served) await this.drain(entry, entry.dyno, graceMs);
      this.platform(entry, 'Stopping all processes with SIGTERM');
      const { killed } = await entry.dyno.stop(graceMs);
      if (killed) {
        this.platform(entry, dynoError('R12', `At least one process failed to exit within ${plural(Math.round(graceMs / 1000), 'second')} of SIGTERM`));
        this.platform(entry, 'Stopping remaining processes with SIGKILL');
      }
    }
    await entry.dyno.exited;
  }

  /**
   * The draining phase of a stop: the route dropped the dyno when it entered `stopping`; wait
   * until every router worker confirmed that and its requests in flight finished, at most
   * `graceMs` (a dyno that exits meanwhile ends the wait too).
   */
  private async drain(entry: Entry, dyno: RunningDyno, graceMs: number): Promise<void> {
    const drain = this.deps.drain;
    if (!drain || !dyno.address || graceMs <= 0) return;
    let cancel: () => void = () => undefined;
    const timeUp = new Promise<void>((resolve) => (cancel = this.timers.after(graceMs, resolve)));
    try {
      await Promise.race([drain({ ...entry.record }, dyno.address, graceMs).catch(() => undefined), timeUp, dyno.exited]);
    } finally {
      cancel();
    }
  }

  /**
   * Idles an up web dyno (Heroku's eco sleep): `Idling`, out of the route (drained like a stop),
   * SIGTERM, grace, SIGKILL. The record stays, `idle`, with no process: `unidle` starts it again
   * with the same launch. Resolves once the process has exited; false when the dyno was not up.
   */
  async idle(id: string, graceMs: number): Promise<boolean> {
    const entry = this.entries.get(id);
    const dyno = entry?.dyno;
    if (!entry || !dyno || entry.stopping || entry.record.state !== 'up' || entry.launch.type !== 'web' || entry.launch.oneOff) return false;
    entry.idling = true;
    this.platform(entry, 'Idling');
    this.setState(entry, 'idle');
    await this.drain(entry, dyno, graceMs);
    if (entry.dyno !== dyno) return true;
    this.platform(entry, 'Stopping all processes with SIGTERM');
    const { killed } = await dyno.stop(graceMs);
    if (killed) {
      this.platform(entry, dynoError('R12', `At least one process failed to exit within ${plural(Math.round(graceMs / 1000), 'second')} of SIGTERM`));
      this.platform(entry, 'Stopping remaining processes with SIGKILL');
    }
    await dyno.exited;
    return true;
  }

  /** Starts an idle dyno again (`Unidling`; after its exit if it is still being idled); false when it is not idle. */
  unidle(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.stopping || entry.record.state !== 'idle') return false;
    if (entry.dyno) {
      entry.wakeRequested = true;
      return true;
    }
    entry.waking = true;
    entry.record.startedAt = this.deps.now();
    entry.record.exitCode = null;
    this.platform(entry, 'Unidling');
    this.setState(entry, 'starting');
    void this.launch(entry);
    return true;
  }

  /** A stop of an idle dyno: nothing runs, the record goes. */
  private dropIdle(entry: Entry): void {
    if (this.entries.get(entry.record.id) !== entry || entry.record.state !== 'idle') return;
    this.entries.delete(entry.record.id);
    entry.record.state = 'down';
    entry.record.stateChangedAt = this.deps.now();
    this.deps.onChange({ ...entry.record }, 'idle');
  }

  /** Drops the record of a crashed dyno. */
  forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.record.state !== 'crashed') return;
    this.entries.delete(id);
    const previous = entry.record.state;
    entry.record.state = 'down';
    this.deps.onChange({ ...entry.record }, previous);
  }

  /** Stops every dyno (agent shutdown with --kill-dynos). */
  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id, graceMs)));
  }

  private platform(entry: Entry, message: string): void {
    this.deps.logs.append(entry.record.appId, { source: 'heroku', process: entry.record.name, message });
  }

  private setState(entry: Entry, state: DynoState): void {
    const previous = entry.record.state;
    if (previous === state) return;
    entry.record.state = state;
    entry.record.stateChangedAt = this.deps.now();
    if (state !== 'stopping') this.platform(entry, `State changed from ${shown(previous)} to ${shown(state)}`);
    if (state === 'up') entry.waking = false;
    this.deps.onChange({ ...entry.record }, previous, entry.dyno);
  }

  private async boot(entry: Entry, dyno: RunningDyno): Promise<void> {
    const bound = await dyno.waitForPort(entry.launch.bootTimeoutMs);
    if (entry.record.state !== 'starting' || entry.stopping) return;
    if (bound) {
      this.setState(entry, 'up');
      return;
    }
    const seconds = Math.round(entry.launch.bootTimeoutMs / 1000);
    this.platform(entry, dynoError('R10', `Web process failed to bind to $PORT within ${seconds} seconds of launch`));
    this.platform(entry, 'Stopping process with SIGKILL');
    entry.record.lastError = 'R10';
    await dyno.stop(0);
  }

  /** The dyno exited or never started: core/exit-outcome.ts decides, this applies it. */
  private ended(entry: Entry, end: DynoEnd): void {
    entry.stopSampling?.();
    if (entry.idling || (entry.waking && !entry.stopping)) return this.backToIdle(entry, end);
    const { record } = entry;
    const previous = record.state;
    const outcome = exitOutcome({ state: previous, stopping: entry.stopping, oneOff: entry.launch.oneOff, end, lastError: record.lastError, crashCount: entry.launch.crashCount });
    for (const line of outcome.lines) this.platform(entry, line);
    record.exitCode = end.kind === 'exited' ? end.code : null;
    if (outcome.state === 'down') {
      this.entries.delete(record.id);
      record.state = 'down';
      record.stateChangedAt = this.deps.now();
      this.deps.onChange({ ...record }, previous);
      return;
    }
    record.lastError = outcome.lastError;
    record.crashCount = outcome.crashCount;
    if (previous === 'crashed') return;
    record.state = 'crashed';
    record.stateChangedAt = this.deps.now();
    this.deps.onChange({ ...record }, previous, entry.dyno);
  }

  /**
   * An idled dyno's process exited, or a woken one failed before it came up: the record stays
   * `idle` without a process (the next request wakes it again).
   */
  private backToIdle(entry: Entry, end: DynoEnd): void {
    const { record } = entry;
    const failedWake = entry.waking === true;
    entry.idling = false;
    entry.waking = false;
    delete entry.dyno;
    delete entry.load;
    if (end.kind === 'start-failed') this.platform(entry, dynoError('R99', `the dyno could not be started: ${end.error}`));
    else this.platform(entry, `Process exited with status ${end.code ?? 'unknown'}`);
    record.exitCode = end.kind === 'exited' ? end.code : null;
    if (failedWake) {
      record.lastError = record.lastError ?? (end.kind === 'exited' ? `exit ${end.code ?? 'unknown'}` : 'R99');
      this.setState(entry, 'idle');
      this.deps.onWakeFailed?.({ ...record });
    } else if (entry.wakeRequested) {
      entry.wakeRequested = false;
      this.unidle(record.id);
    }
  }

  /**
   * The kernel OOM-killed a process of the dyno (its count grew to `kills`). If it was the main
   * process the dyno exits now and its exit reports R15 next to `Stopping process with SIGKILL`;
   * otherwise (a worker the app spawned) the dyno goes on and R15 is logged here.
   */
  private async oomKilled(entry: Entry, dyno: RunningDyno, kills: number): Promise<void> {
    let cancel: () => void = () => undefined;
    const waited = new Promise<boolean>((resolve) => (cancel = this.timers.after(OOM_EXIT_WAIT_MS, () => resolve(false))));
    const exited = await Promise.race([dyno.exited.then(() => true), waited]);
    cancel();
    if (exited || entry.stopping) return;
    entry.oomKillsReported = Math.max(entry.oomKillsReported, kills);
    this.platform(entry, dynoError('R15'));
  }

  private async sample(entry: Entry): Promise<void> {
    const dyno = entry.dyno;
    if (!dyno || entry.record.state !== 'up') return;
    const now = this.deps.now();
    const memory = await dyno.memory().catch(() => undefined);
    if (!memory || entry.record.state !== 'up') return;
    if (memory.oomKills > entry.oomKillsSeen) {
      entry.oomKillsSeen = memory.oomKills;
      void this.oomKilled(entry, dyno, memory.oomKills);
    }
    const used = memory.rssBytes + memory.swapBytes;
    if (used > memory.quotaBytes && (entry.lastR14 === undefined || now - entry.lastR14 >= this.metricsEveryMs)) {
      entry.lastR14 = now;
      this.platform(entry, `Process running mem=${Math.round(used / MB)}M(${((used / memory.quotaBytes) * 100).toFixed(1)}%)`);
      this.platform(entry, dynoError('R14'));
    }
    const load = await entry.load?.sample(now);
    if (load) this.deps.onSample?.({ ...entry.record }, { rssBytes: memory.rssBytes, swapBytes: memory.swapBytes, quotaBytes: memory.quotaBytes, load1m: load.avg1m });
    if (entry.launch.runtimeMetrics && load && (entry.lastMetrics === undefined || now - entry.lastMetrics >= this.metricsEveryMs)) {
      entry.lastMetrics = now;
      const lines = formatRuntimeMetrics({
        source: entry.record.name,
        dyno: `heroku.${entry.record.appId}.${entry.record.id}`,
        memory: { total: memory.totalBytes, rss: memory.rssBytes, cache: memory.cacheBytes, swap: memory.swapBytes, pgpgin: 0, pgpgout: 0, quota: memory.quotaBytes },
        load,
      });
      for (const line of lines) this.platform(entry, line);
    }
  }
}
