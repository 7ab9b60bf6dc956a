/**
 * `GET /apps/:app/metrics` (a Berth extension): minute rows → aligned series over the last hour
 * or 24 hours ending with the current minute. Minutes without data are 0 for counts and null for
 * gauges and percentiles; error codes and dynos appear only when seen in the range.
 */
import { MINUTE_SECONDS, minuteOf, type AppMinute, type DynoMinute, type StatusClass } from './app-metrics.js';

export const METRICS_RANGES = { '1h': 60, '24h': 1440 } as const;
export type MetricsRange = keyof typeof METRICS_RANGES;

export const isMetricsRange = (value: string): value is MetricsRange => Object.hasOwn(METRICS_RANGES, value);

type Gauge = Array<number | null>;

export interface DynoSeries {
  type: string;
  memory_rss_mb: Gauge;
  memory_swap_mb: Gauge;
  memory_quota_mb: number;
  load_avg_1m: Gauge;
}

export interface MetricsSeries {
  app: { id: string; name: string };
  range: MetricsRange;
  step: number;
  timestamps: number[];
  router: {
    requests: Record<StatusClass, number[]>;
    response_time_ms: { p50: Gauge; p95: Gauge; p99: Gauge };
    errors: Record<string, number[]>;
  };
  dynos: Record<string, DynoSeries>;
  events: { restarts: number[]; crashes: number[]; runtime_errors: Record<string, number[]> };
}

/** The window of a range at `nowMs`: its first and last minute (unix seconds) and its length. */
export function metricsWindow(range: MetricsRange, nowMs: number): { from: number; to: number; points: number } {
  const points = METRICS_RANGES[range];
  const to = minuteOf(nowMs);
  return { from: to - (points - 1) * MINUTE_SECONDS, to, points };
}

export function metricsSeries(app: { id: string; name: string }, range: MetricsRange, nowMs: number, minutes: AppMinute[], dynos: DynoMinute[]): MetricsSeries {
  const { from, points } = metricsWindow(range, nowMs);
  const index = (minute: number) => {
    const i = (minute - from) / MINUTE_SECONDS;
    return Number.isInteger(i) && i >= 0 && i < points ? i : -1;
  };
  const zeros = () => new Array<number>(points).fill(0);
  const nulls = (): Gauge => new Array<number | null>(points).fill(null);
  const counted = (into: Record<string, number[]>, i: number, counts: Record<string, number>) => {
    for (const [code, n] of Object.entries(counts)) (into[code] ??= zeros())[i]! += n;
  };

  const requests = { '2xx': zeros(), '3xx': zeros(), '4xx': zeros(), '5xx': zeros() };
  const time = { p50: nulls(), p95: nulls(), p99: nulls() };
  const errors: Record<string, number[]> = {};
  const events = { restarts: zeros(), crashes: zeros(), runtime_errors: {} as Record<string, number[]> };
  for (const row of minutes) {
    const i = index(row.minute);
    if (i < 0) continue;
    for (const cls of ['2xx', '3xx', '4xx', '5xx'] as const) requests[cls][i] = row.requests[cls];
    time.p50[i] = row.p50;
    time.p95[i] = row.p95;
    time.p99[i] = row.p99;
    counted(errors, i, row.errors);
    events.restarts[i] = row.restarts;
    events.crashes[i] = row.crashes;
    counted(events.runtime_errors, i, row.runtimeErrors);
  }

  const dynoSeries: Record<string, DynoSeries> = {};
  for (const row of [...dynos].sort((a, b) => a.minute - b.minute)) {
    const i = index(row.minute);
    if (i < 0) continue;
    const d = (dynoSeries[row.dyno] ??= { type: row.type, memory_rss_mb: nulls(), memory_swap_mb: nulls(), memory_quota_mb: row.quotaMb, load_avg_1m: nulls() });
    d.type = row.type;
    d.memory_quota_mb = row.quotaMb;
    d.memory_rss_mb[i] = row.rssMb;
    d.memory_swap_mb[i] = row.swapMb;
    d.load_avg_1m[i] = row.load;
  }

  return {
    app,
    range,
    step: MINUTE_SECONDS,
    timestamps: Array.from({ length: points }, (_, i) => from + i * MINUTE_SECONDS),
    router: { requests, response_time_ms: time, errors: sortedKeys(errors) },
    dynos: sortedKeys(dynoSeries),
    events: { ...events, runtime_errors: sortedKeys(events.runtime_errors) },
  };
}

function sortedKeys<V>(record: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** Rows of two sources merged per minute (and dyno): `newer` wins where both have one. */
export function mergeRows<T extends { minute: number; dyno?: string }>(older: T[], newer: T[]): T[] {
  const key = (r: T) => `${r.dyno ?? ''}@${r.minute}`;
  const merged = new Map(older.map((r) => [key(r), r]));
  for (const r of newer) merged.set(key(r), r);
  return [...merged.values()];
}
