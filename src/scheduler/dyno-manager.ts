/**
 * DynoManager: the reconcile loop that applies core/dyno-plan.ts to every app, plus the ports it
 * reads desired state and slugs through.
 */
import { randomUUID } from 'node:crypto';
import { herokuPolicy, planApp, type DesiredProcess, type Plan, type PlanAction, type PlanPolicy, type StartReason } from '../core/dyno-plan.js';
import type { DynoHost, DynoRecord } from '../core/dyno-host.js';
import type { Timers } from '../core/timers.js';

/** The desired state of one app: its current release and formation. */
export interface AppDesire {
  appId: string;
  appName: string;
  release: { id: string; version: number; slugId: string };
  processes: DesiredProcess[];
  /** Config vars of the current release. */
  env: Record<string, string>;
  runtimeMetrics: boolean;
}

export interface DesiredSource {
  /** undefined for an app without a deployed release, or a deleted app (its dynos stop). */
  load(appId: string): Promise<AppDesire | undefined>;
  /** Every app that has a deployed release. */
  appIds(): Promise<string[]>;
}

export interface SlugDirs {
  /** The unpacked, read-only directory of a slug for one app's dynos (unpacked once per host and app). */
  ensure(slugId: string, appId: string): Promise<string>;
}

export interface DynoManagerOptions {
  host: DynoHost;
  source: DesiredSource;
  slugs: SlugDirs;
  now(): number;
  /** Platform log lines such as `Scaling…` go to the app's log stream. */
  log(appId: string, process: string, message: string): void;
  bootTimeoutMs?: number;
  stopGraceMs?: number;
  policy?: PlanPolicy;
  /** Wake-up timers for cool-offs and cycling (default: the system's, unref'd). */
  timers?: Timers;
  onError?(appId: string, err: unknown): void;
  /** Every step of the loop, as a named event (tests wait on them; see ManagerEvent). */
  observe?(event: ManagerEvent): void;
}

/**
 * What the loop did: planned a pass, started a dyno, asked one to stop (`stopping`: it no longer
 * counts for the plan) and saw it gone (`stopped`), forgot a crashed record, finished a pass.
 */
export type ManagerEvent =
  | { kind: 'planned'; appId: string; plan: Plan }
  | { kind: 'started'; appId: string; dyno: DynoRecord; reason: StartReason }
  | { kind: 'stopping'; appId: string; dynoId: string }
  | { kind: 'stopped'; appId: string; dynoId: string }
  | { kind: 'forgotten'; appId: string; dynoId: string }
  | { kind: 'reconciled'; appId: string };

const systemTimers: Pick<Timers, 'after'> = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * The dyno manager: one reconcile loop per app over explicit events (formation or release
 * changes via kick(), dyno state events from the host agent, and timers for cool-offs and
 * cycling). The decision is core/dyno-plan.ts; this class only observes and applies.
 */
export class DynoManager {
  private readonly dynos = new Map<string, DynoRecord>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Armed wake-ups per app (cancel functions). */
  private readonly wakeups = new Map<string, () => void>();
  private readonly stopping = new Set<string>();
  /** ps:restart requests: app → type (or '*', or `type.index` for one dyno) → time. Dynos started before roll. */
  private readonly restarts = new Map<string, Map<string, number>>();
  /** One-off dynos seen gone, newest last (bounded): a late track() must not bring one back. */
  private readonly endedOneOffs = new Set<string>();
  private unsubscribe?: () => void;
  private stopped = false;

  private readonly timers: Pick<Timers, 'after'>;

  constructor(private readonly options: DynoManagerOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  /** Adopts whatever the host already runs (a restarted control plane) and reconciles everything. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.host.onEvent((event) => {
      if (event.dyno.state === 'down') {
        this.dynos.delete(event.dyno.id);
        if (event.dyno.oneOff) this.rememberEnded(event.dyno.id);
      } else this.dynos.set(event.dyno.id, event.dyno);
      if (!event.dyno.oneOff) this.kick(event.dyno.appId);
    });
    for (const dyno of await this.options.host.list()) this.dynos.set(dyno.id, dyno);
    const apps = new Set([...(await this.options.source.appIds()), ...[...this.dynos.values()].map((d) => d.appId)]);
    await Promise.all([...apps].map((appId) => this.reconcile(appId)));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const cancel of this.wakeups.values()) cancel();
    this.wakeups.clear();
  }

  /** Live dynos of an app (formation dynos and one-offs), as last reported. */
  list(appId: string): DynoRecord[] {
    return [...this.dynos.values()].filter((d) => d.appId === appId).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** Tracks a dyno started outside the loop (one-off dynos), unless its end was already seen. */
  track(dyno: DynoRecord): void {
    if (this.endedOneOffs.has(dyno.id)) return;
    this.dynos.set(dyno.id, dyno);
  }

  private rememberEnded(dynoId: string): void {
    this.endedOneOffs.add(dynoId);
    if (this.endedOneOffs.size > 1000) this.endedOneOffs.delete(this.endedOneOffs.values().next().value as string);
  }

  /** Asks for a reconcile of the app soon; calls while one runs coalesce into one more pass. */
  kick(appId: string): void {
    if (this.stopped) return;
    if (this.running.has(appId)) {
      this.again.add(appId);
      return;
    }
    void this.reconcile(appId);
  }

  /** The plan the loop would apply now (for `berth ps --diff`). */
  async plan(appId: string): Promise<Plan> {
    const desire = await this.options.source.load(appId);
    return planApp(this.desired(appId, desire), this.formationDynos(appId), this.options.now(), this.options.policy ?? herokuPolicy);
  }

  /**
   * Restarts the app's dynos (all, or one process type) the way a deploy rolls: web dynos are
   * replaced with a surge, so a restart drops no request.
   */
  restart(appId: string, type?: string): void {
    const byType = this.restarts.get(appId) ?? new Map<string, number>();
    byType.set(type ?? '*', this.options.now());
    this.restarts.set(appId, byType);
    this.kick(appId);
  }

  /**
   * Restarts one formation dyno (web.2) alone, the way `restart` rolls a type: a web dyno keeps
   * serving until its replacement is up, so stopping the only web dyno drops no request.
   */
  restartDyno(appId: string, type: string, index: number): void {
    const byType = this.restarts.get(appId) ?? new Map<string, number>();
    byType.set(`${type}.${index}`, this.options.now());
    this.restarts.set(appId, byType);
    this.kick(appId);
  }

  /** Stops one dyno (SIGTERM, grace, SIGKILL); a formation dyno is started again by the loop. */
  async stopDyno(dynoId: string): Promise<void> {
    const dyno = this.dynos.get(dynoId);
    if (!dyno) return;
    this.stopping.add(dynoId);
    this.options.observe?.({ kind: 'stopping', appId: dyno.appId, dynoId });
    try {
      await this.options.host.stop(dynoId, this.options.stopGraceMs ?? 30_000);
    } finally {
      this.stopping.delete(dynoId);
      this.dynos.delete(dynoId);
      this.options.observe?.({ kind: 'stopped', appId: dyno.appId, dynoId });
      this.kick(dyno.appId);
    }
  }

  private desired(appId: string, desire: AppDesire | undefined): DesiredProcess[] {
    const restarts = this.restarts.get(appId);
    return (desire?.processes ?? []).map((p) => {
      const at = Math.max(restarts?.get('*') ?? -Infinity, restarts?.get(p.type) ?? -Infinity);
      // Keys of one dyno are `type.index`; a process type's name never holds a dot.
      const byIndex: Record<number, number> = {};
      for (const [key, time] of restarts ?? []) if (key.startsWith(`${p.type}.`)) byIndex[Number(key.slice(p.type.length + 1))] = time;
      const marked = Object.keys(byIndex).length > 0 ? { ...p, indexRestartedAt: byIndex } : p;
      return Number.isFinite(at) ? { ...marked, restartedAt: at } : marked;
    });
  }

  /** Resolves once every pass requested so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private formationDynos(appId: string): DynoRecord[] {
    return [...this.dynos.values()].filter((d) => d.appId === appId && !d.oneOff && !this.stopping.has(d.id));
  }

  private reconcile(appId: string): Promise<void> {
    const pass = this.pass(appId)
      .catch((err: unknown) => this.options.onError?.(appId, err))
      .finally(() => {
        this.running.delete(appId);
        if (this.again.delete(appId)) this.kick(appId);
      });
    this.running.set(appId, pass);
    return pass;
  }

  private async pass(appId: string): Promise<void> {
    const desire = await this.options.source.load(appId);
    const plan = planApp(this.desired(appId, desire), this.formationDynos(appId), this.options.now(), this.options.policy ?? herokuPolicy);
    this.options.observe?.({ kind: 'planned', appId, plan });
    this.schedule(appId, plan.wakeAt);
    await Promise.all(plan.actions.map((action) => this.apply(appId, desire, action)));
    this.options.observe?.({ kind: 'reconciled', appId });
  }

  private schedule(appId: string, wakeAt: number | undefined): void {
    this.wakeups.get(appId)?.();
    this.wakeups.delete(appId);
    if (wakeAt === undefined || this.stopped) return;
    // Timers longer than ~24.8 days overflow; a pass re-arms anyway.
    const delay = Math.min(Math.max(0, wakeAt - this.options.now()), 2 ** 31 - 1);
    const cancel = this.timers.after(delay, () => {
      this.wakeups.delete(appId);
      this.kick(appId);
    });
    this.wakeups.set(appId, cancel);
  }

  private async apply(appId: string, desire: AppDesire | undefined, action: PlanAction): Promise<void> {
    const { host } = this.options;
    if (action.kind === 'stop') {
      const dyno = this.dynos.get(action.dynoId);
      if (dyno?.state === 'crashed' || action.reason === 'crashed-record') {
        this.dynos.delete(action.dynoId);
        await host.forget(action.dynoId);
        this.options.observe?.({ kind: 'forgotten', appId, dynoId: action.dynoId });
        return;
      }
      this.stopping.add(action.dynoId);
      this.options.observe?.({ kind: 'stopping', appId, dynoId: action.dynoId });
      // Stopping can take the whole grace period: don't hold up the loop.
      void host
        .stop(action.dynoId, this.options.stopGraceMs ?? 30_000)
        .catch((err: unknown) => this.options.onError?.(appId, err))
        .finally(() => {
          this.stopping.delete(action.dynoId);
          this.dynos.delete(action.dynoId);
          this.options.observe?.({ kind: 'stopped', appId, dynoId: action.dynoId });
        });
      return;
    }
    if (!desire) return;
    // Heroku's daily restart says so in the dyno's log before its replacement starts.
    if (action.reason === 'cycle') this.options.log(appId, `${action.type}.${action.index}`, 'Cycling');
    const slugDir = await this.options.slugs.ensure(desire.release.slugId, appId);
    const record = await host.start({
      id: randomUUID(),
      appId,
      appName: desire.appName,
      type: action.type,
      index: action.index,
      name: `${action.type}.${action.index}`,
      releaseId: desire.release.id,
      releaseVersion: action.releaseVersion,
      size: action.size,
      command: action.command,
      env: desire.env,
      slugDir,
      crashCount: action.crashCount,
      oneOff: false,
      bootTimeoutMs: this.options.bootTimeoutMs ?? 60_000,
      runtimeMetrics: desire.runtimeMetrics,
    });
    if (!this.dynos.has(record.id) || this.dynos.get(record.id)?.state === 'starting') this.dynos.set(record.id, record);
    // The crashed dyno this one restarts leaves ps as its successor appears (one web.1, starting),
    // rather than on the next pass: ps never lists a crashed and a starting dyno of one index.
    const crashed = action.reason === 'restart-after-crash' && action.replaces !== undefined && this.dynos.get(action.replaces)?.state === 'crashed' ? action.replaces : undefined;
    if (crashed !== undefined) this.dynos.delete(crashed);
    this.options.observe?.({ kind: 'started', appId, dyno: record, reason: action.reason });
    if (crashed !== undefined) {
      await host.forget(crashed);
      this.options.observe?.({ kind: 'forgotten', appId, dynoId: crashed });
    }
  }
}
