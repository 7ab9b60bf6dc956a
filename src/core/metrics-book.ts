/**
 * Every app's metrics on one host, in bounded memory: an AppMetricsRing per app and a
 * DynoMetricsRing per formation dyno name, with caps on apps, dynos per app and dynos in all. At
 * a cap, the app (or the dyno) updated longest ago makes room (its minutes that were flushed stay in the store). Times
 * come in as unix ms from the caller's clock; nothing here reads one.
 */
import { minuteOf, runtimeErrorCode, type AppMetricRows, type RouterRequest } from './app-metrics.js';
import { DynoMetricsRing, type DynoSample } from './dyno-metrics-ring.js';
import { AppMetricsRing } from './metrics-ring.js';

export interface MetricsCaps {
  /** Apps kept at once (default 500; ~57 KB each, plus ~5.8 KB per H-/R-code seen). */
  maxApps: number;
  /** Dyno names kept per app (default 50). */
  maxDynosPerApp: number;
  /** Dyno names kept over all apps (default 2000; ~23 KB each). */
  maxDynos: number;
}

export const DEFAULT_METRICS_CAPS: MetricsCaps = { maxApps: 500, maxDynosPerApp: 50, maxDynos: 2000 };

interface AppEntry {
  ring: AppMetricsRing;
  dynos: Map<string, DynoMetricsRing>;
  /** Formation dyno names that ran here: a later start of one is a restart. */
  started: Set<string>;
  touched: number;
}

export class MetricsBook {
  private readonly apps = new Map<string, AppEntry>();
  private readonly caps: MetricsCaps;
  private dynos = 0;

  constructor(caps: Partial<MetricsCaps> = {}) {
    this.caps = { ...DEFAULT_METRICS_CAPS, ...caps };
  }

  get appCount(): number {
    return this.apps.size;
  }

  dynoCount(appId: string): number {
    return this.apps.get(appId)?.dynos.size ?? 0;
  }

  request(appId: string, at: number, request: RouterRequest): void {
    this.entry(appId, at).ring.request(minuteOf(at), request);
  }

  /** A platform line of a dyno: R-codes count. */
  platformLine(appId: string, at: number, message: string): void {
    const code = runtimeErrorCode(message);
    if (code) this.entry(appId, at).ring.runtimeError(minuteOf(at), code);
  }

  /** A formation dyno started; it is a restart when a dyno of that name ran before. */
  dynoStarted(appId: string, at: number, name: string): void {
    const entry = this.entry(appId, at);
    if (entry.started.has(name)) entry.ring.restart(minuteOf(at));
    else {
      if (entry.started.size >= 4 * this.caps.maxDynosPerApp) entry.started.clear();
      entry.started.add(name);
    }
  }

  dynoCrashed(appId: string, at: number): void {
    this.entry(appId, at).ring.crash(minuteOf(at));
  }

  dynoSample(appId: string, at: number, dyno: { name: string; type: string }, sample: DynoSample): void {
    const entry = this.entry(appId, at);
    let ring = entry.dynos.get(dyno.name);
    if (!ring) {
      if (entry.dynos.size >= this.caps.maxDynosPerApp) this.dropDyno(entry);
      else if (this.dynos >= this.caps.maxDynos) this.dropDyno(this.oldestDynoOwner());
      ring = new DynoMetricsRing(dyno.name, dyno.type);
      entry.dynos.set(dyno.name, ring);
      this.dynos += 1;
    }
    ring.sample(minuteOf(at), sample);
  }

  /** The app's rows in [from, to] (unix seconds), or of every app with rows there. */
  rows(from: number, to: number, appId?: string): Array<{ appId: string } & AppMetricRows> {
    const ids = appId === undefined ? [...this.apps.keys()] : this.apps.has(appId) ? [appId] : [];
    const out: Array<{ appId: string } & AppMetricRows> = [];
    for (const id of ids) {
      const entry = this.apps.get(id)!;
      const minutes = entry.ring.rows(from, to);
      const dynos = [...entry.dynos.values()].flatMap((d) => d.rows(from, to));
      if (minutes.length > 0 || dynos.length > 0) out.push({ appId: id, minutes, dynos });
    }
    return out;
  }

  /** Dyno names kept over all apps. */
  get totalDynos(): number {
    return this.dynos;
  }

  forget(appId: string): void {
    this.dynos -= this.apps.get(appId)?.dynos.size ?? 0;
    this.apps.delete(appId);
  }

  /** Drops the app's dyno sampled longest ago. */
  private dropDyno(entry: AppEntry): void {
    const name = oldest(entry.dynos, (r) => r.lastMinute ?? 0);
    if (name !== undefined && entry.dynos.delete(name)) this.dynos -= 1;
  }

  /** The app holding the dyno sampled longest ago, over all apps. */
  private oldestDynoOwner(): AppEntry {
    let owner: AppEntry | undefined;
    let min = Infinity;
    for (const entry of this.apps.values()) {
      for (const ring of entry.dynos.values()) {
        if ((ring.lastMinute ?? 0) < min) {
          min = ring.lastMinute ?? 0;
          owner = entry;
        }
      }
    }
    return owner!;
  }

  private entry(appId: string, at: number): AppEntry {
    let entry = this.apps.get(appId);
    if (!entry) {
      if (this.apps.size >= this.caps.maxApps) this.forget(oldest(this.apps, (e) => e.touched)!);
      entry = { ring: new AppMetricsRing(), dynos: new Map(), started: new Set(), touched: at };
      this.apps.set(appId, entry);
    }
    entry.touched = Math.max(entry.touched, at);
    return entry;
  }
}

function oldest<V>(map: Map<string, V>, age: (v: V) => number): string | undefined {
  let key: string | undefined;
  let min = Infinity;
  for (const [k, v] of map) {
    if (age(v) < min) {
      min = age(v);
      key = k;
    }
  }
  return key;
}
