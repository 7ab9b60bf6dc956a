/** `berth metrics`: the lines summing up an app's metrics series (GET /apps/:app/metrics). */
import type { MetricsSeries } from '../core/metrics-series.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const fixed = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));
const present = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
const counts = (record: Record<string, number[]>) =>
  Object.entries(record)
    .map(([code, xs]) => `${code} ${sum(xs)}`)
    .join(' · ');

/** The mean of per-minute values weighted by each minute's requests (a summary, not an exact percentile). */
function weighted(values: Array<number | null>, weights: number[]): number | null {
  let total = 0;
  let weight = 0;
  values.forEach((v, i) => {
    if (v === null) return;
    total += v * (weights[i] ?? 0);
    weight += weights[i] ?? 0;
  });
  return weight === 0 ? null : total / weight;
}

export function metricsSummary(s: MetricsSeries): string[] {
  const { requests, response_time_ms: time, errors } = s.router;
  const perMinute = s.timestamps.map((_, i) => requests['2xx'][i]! + requests['3xx'][i]! + requests['4xx'][i]! + requests['5xx'][i]!);
  const total = sum(perMinute);
  const lines = [`=== ${s.app.name} metrics, last ${s.range} (${s.timestamps.length} one-minute points)`];
  lines.push(
    total === 0
      ? 'Throughput:    no requests'
      : `Throughput:    ${total} requests, ${fixed(total / s.timestamps.length)}/min on average, peak ${Math.max(...perMinute)}/min (2xx ${sum(requests['2xx'])} · 3xx ${sum(requests['3xx'])} · 4xx ${sum(requests['4xx'])} · 5xx ${sum(requests['5xx'])})`,
  );
  const p = (q: 'p50' | 'p95' | 'p99') => weighted(time[q], perMinute);
  const p99s = present(time.p99);
  lines.push(
    p99s.length === 0
      ? 'Response time: no requests reached a dyno'
      : `Response time: p50 ${fixed(p('p50')!)} ms · p95 ${fixed(p('p95')!)} ms · p99 ${fixed(p('p99')!)} ms (minutes averaged by requests; worst minute's p99 ${fixed(Math.max(...p99s))} ms)`,
  );
  lines.push(`Router errors: ${counts(errors) || 'none'}`);
  const runtime = counts(s.events.runtime_errors);
  lines.push(`Dyno events:   ${sum(s.events.restarts)} restarts · ${sum(s.events.crashes)} crashes${runtime ? ` · ${runtime}` : ''}`);
  const dynos = Object.entries(s.dynos);
  if (dynos.length === 0) lines.push('Dynos:         no samples');
  for (const [name, d] of dynos) {
    const rss = present(d.memory_rss_mb);
    const swap = present(d.memory_swap_mb);
    const load = present(d.load_avg_1m);
    lines.push(
      `${`${name}:`.padEnd(15)}memory ${fixed(rss.at(-1) ?? 0)} MB (max ${fixed(Math.max(0, ...rss))}) of ${fixed(d.memory_quota_mb)} MB · swap ${fixed(swap.at(-1) ?? 0)} MB · load ${fixed(load.at(-1) ?? 0)} (max ${fixed(Math.max(0, ...load))})`,
    );
  }
  return lines;
}
