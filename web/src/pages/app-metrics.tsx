// Metrics (Berth's `GET /apps/:app/metrics` extension): router throughput by status class,
// response time percentiles, router errors by H-code, memory and load per dyno, restarts,
// crashes and R-codes; the last hour or day at one-minute resolution, refreshed live.
import { useState } from 'preact/hooks';
import type { AppJson, MetricsJson, Series } from '../api/types.js';
import { Chart, type ChartSeries } from '../components/chart.js';
import { Loaded } from '../components/notice.js';
import { useResource } from '../lib/use-resource.js';

const entries = (record: Record<string, Series>): ChartSeries[] => Object.entries(record).map(([label, values]) => ({ label, values }));

function Charts({ m }: { m: MetricsJson }) {
  const t = m.timestamps;
  const dynoNames = Object.keys(m.dynos).sort();
  const memory: ChartSeries[] = dynoNames.flatMap((name) => {
    const d = m.dynos[name]!;
    return [
      { label: `${name} RSS`, values: d.memory_rss_mb },
      { label: `${name} swap`, values: d.memory_swap_mb },
    ];
  });
  const quota = dynoNames.length > 0 ? Math.max(...dynoNames.map((n) => m.dynos[n]!.memory_quota_mb)) : undefined;
  if (quota !== undefined) memory.push({ label: 'quota', values: t.map(() => quota), colour: '#D55E00' });
  const errors = entries(m.router.errors);
  const events: ChartSeries[] = [
    { label: 'restarts', values: m.events.restarts },
    { label: 'crashes', values: m.events.crashes },
    ...entries(m.events.runtime_errors),
  ];
  return (
    <div class="charts">
      <Chart title="Throughput (requests/min by status)" unit="req" timestamps={t} series={entries(m.router.requests)} />
      <Chart title="Response time" unit="ms" timestamps={t} series={entries(m.router.response_time_ms)} />
      {errors.length > 0 ? <Chart title="Router errors (H-codes)" unit="" timestamps={t} series={errors} /> : <p class="empty chart-empty">No router errors.</p>}
      {memory.length > 0 && <Chart title="Memory (MB)" unit="MB" timestamps={t} series={memory} />}
      {dynoNames.length > 0 && <Chart title="Load average (1m)" unit="" timestamps={t} series={dynoNames.map((n) => ({ label: n, values: m.dynos[n]!.load_avg_1m }))} />}
      <Chart title="Restarts, crashes and R-codes" unit="" timestamps={t} series={events} />
    </div>
  );
}

export function MetricsTab({ app }: { app: AppJson }) {
  const [range, setRange] = useState<'1h' | '24h'>('1h');
  const metrics = useResource<MetricsJson>(`/apps/${encodeURIComponent(app.name)}/metrics?range=${range}`, { pollMs: 20_000 });
  return (
    <>
      <h2>Metrics</h2>
      <div class="tabs" role="group" aria-label="Time range">
        <button type="button" aria-pressed={range === '1h'} onClick={() => setRange('1h')}>
          Last hour
        </button>
        <button type="button" aria-pressed={range === '24h'} onClick={() => setRange('24h')}>
          Last 24 hours
        </button>
      </div>
      <Loaded resource={metrics} empty="No metrics: this Berth does not collect them yet.">
        {(m) => <Charts m={m} />}
      </Loaded>
    </>
  );
}
