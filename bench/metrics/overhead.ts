/**
 * What app metrics cost: (1) per event, the host agent's work for one router line (readRouterLine
 * + MetricsBook.request) and one dyno sample, and the memory of full rings at the default caps;
 * (2) with `--wrk`, an app under wrk through Berth's router: wrk's throughput and latency next to
 * what GET /apps/:app/metrics shows for the same minutes, and the agent's CPU while it ran.
 * Prints one JSON document.
 *
 *   node --expose-gc dist/bench/metrics/overhead.js [--events 1000000] [--wrk] [--seconds 20] [--connections 32]
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRouterLine } from '../../src/core/app-metrics.js';
import { DEFAULT_METRICS_CAPS, MetricsBook } from '../../src/core/metrics-book.js';
import { PERCENTILE_ERROR } from '../../src/core/latency-histogram.js';
import type { MetricsSeries } from '../../src/core/metrics-series.js';
import { metricsSummary } from '../../src/cli/metrics-summary.js';
import { api, startBerth } from '../../test/support/berth-process.js';
import { appRepo } from '../../test/support/git-push.js';
import { createApp, routerGet, waitForDynos } from '../../test/support/spine.js';
import { treeCpuUs } from '../router/proc-stats.js';
import { runWrk } from '../router/wrk.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    wrk: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
  },
});
const say = (m: string) => process.stderr.write(`${m}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const LINE = 'at=info method=GET path="/api/items?page=2" host=shop.localhost request_id=4f1c2a9e-0d7b-4a53-9f8e-2b6b1c1e9a77 fwd="127.0.0.1" dyno=web.1 connect=0ms service=';

/** ns per router line: parse + count, over `n` lines spread over 20 apps at 1000 lines/s of clock. */
function routerEventNs(n: number): number {
  const book = new MetricsBook();
  const lines = Array.from({ length: 64 }, (_, i) => `${LINE}${(i * 37) % 400}ms status=${i % 16 === 0 ? 503 : 200} bytes=1234 protocol=http`);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const request = readRouterLine(lines[i & 63]!);
    if (request) book.request(`app-${i % 20}`, 1_700_000_000_000 + i, request);
  }
  return Number(process.hrtime.bigint() - start) / n;
}

function sampleEventNs(n: number): number {
  const book = new MetricsBook();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) book.dynoSample(`app-${i % 20}`, 1_700_000_000_000 + i * 50, { name: `web.${i % 5}`, type: 'web' }, { rssMb: i % 300, swapMb: 0, quotaMb: 512, load: 0.5 });
  return Number(process.hrtime.bigint() - start) / n;
}

/** Bytes held by full rings of `apps` apps with one dyno and two codes each. */
function ringBytes(apps: number): number {
  gc?.();
  const before = process.memoryUsage();
  const book = new MetricsBook();
  for (let a = 0; a < apps; a++) {
    const t0 = 1_700_000_000_000;
    for (let m = 0; m < 1440; m += 60) book.request(`app-${a}`, t0 + m * 60_000, { status: 503, serviceMs: 5, code: 'H12' });
    book.platformLine(`app-${a}`, t0, 'Error R14 (Memory quota exceeded)');
    book.dynoSample(`app-${a}`, t0, { name: 'web.1', type: 'web' }, { rssMb: 1, swapMb: 0, quotaMb: 512, load: 0 });
  }
  gc?.();
  const after = process.memoryUsage();
  const held = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  if (book.appCount !== apps) throw new Error('the book lost apps');
  return held;
}

async function underWrk(seconds: number, connections: number) {
  const berth = await startBerth({ args: ['--metrics-interval-ms', '1000'] });
  let repo: Awaited<ReturnType<typeof appRepo>> | undefined;
  try {
    const app = await createApp(berth, `wrk-${Date.now().toString(36)}`);
    repo = await appRepo(berth, app, 'greeting');
    const pushed = await repo.push();
    if (pushed.code !== 0) throw new Error(`push failed:\n${pushed.stdout}${pushed.stderr}`);
    await waitForDynos(berth, app, 'web.1 up', (l) => l.some((d) => d.name === 'web.1' && d.state === 'up'));
    if ((await routerGet(berth, app)).status !== 200) throw new Error('the app does not answer');
    const agentPid = Number(readFileSync(join(berth.dataDir, 'run', 'agent.pid'), 'utf8').trim());
    const host = `${app}.${berth.runtime.domain}`;
    say(`wrk -c${connections} -d${seconds}s through the router to ${host}`);
    const cpu0 = treeCpuUs(agentPid);
    const started = Date.now();
    const wrk = await runWrk(berth.runtime.router_port, host, '/', connections, seconds);
    const elapsed = (Date.now() - started) / 1000;
    const agentCpuUs = treeCpuUs(agentPid) - cpu0;
    const res = await api(berth, `/apps/${app}/metrics`);
    const s = res.body as MetricsSeries;
    const minutes = s.timestamps.map((t, i) => ({
      minute: new Date(t * 1000).toISOString(),
      requests: s.router.requests['2xx'][i]! + s.router.requests['3xx'][i]! + s.router.requests['4xx'][i]! + s.router.requests['5xx'][i]!,
      p50_ms: s.router.response_time_ms.p50[i],
      p95_ms: s.router.response_time_ms.p95[i],
      p99_ms: s.router.response_time_ms.p99[i],
    })).filter((m) => m.requests > 0);
    const counted = minutes.reduce((a, m) => a + m.requests, 0);
    const web = s.dynos['web.1'];
    return {
      wrk: { connections, seconds, rps: wrk.rps, requests: wrk.requests, latency_ms: { p50: wrk.p50, p90: wrk.p90, p99: wrk.p99 }, errors: wrk.errors, non2xx: wrk.non2xx },
      metrics: {
        minutes,
        requests_counted: counted,
        requests_per_second_from_metrics: Math.round(counted / elapsed),
        web1_memory_rss_mb_max: Math.max(...(web?.memory_rss_mb.filter((x): x is number => x !== null) ?? [0])),
        web1_load_avg_1m_max: Math.max(...(web?.load_avg_1m.filter((x): x is number => x !== null) ?? [0])),
      },
      agent_cpu_share_of_one_core: agentCpuUs / 1e6 / elapsed,
      /** What `berth metrics` prints for the app. */
      berth_metrics: metricsSummary(s),
    };
  } finally {
    await repo?.remove();
    await berth.destroy();
  }
}

async function main(): Promise<void> {
  const n = Number(values.events);
  say(`router events: ${n} x 3`);
  const router = median([routerEventNs(n), routerEventNs(n), routerEventNs(n)]);
  const sample = median([sampleEventNs(n / 10), sampleEventNs(n / 10), sampleEventNs(n / 10)]);
  const full = ringBytes(DEFAULT_METRICS_CAPS.maxApps);
  const result: Record<string, unknown> = {
    benchmark: 'metrics/overhead',
    at: new Date().toISOString(),
    loadavg_1m: loadavg()[0],
    per_event_ns: { router_line_parse_and_count: Math.round(router), dyno_sample: Math.round(sample) },
    router_lines_per_second_per_core: Math.round(1e9 / router),
    percentile_relative_error_bound: Number(PERCENTILE_ERROR.toFixed(4)),
    memory_full_rings: { apps: DEFAULT_METRICS_CAPS.maxApps, bytes: full, bytes_per_app: Math.round(full / DEFAULT_METRICS_CAPS.maxApps), measured_with_gc: gc !== undefined },
  };
  if (values.wrk) {
    const w = await underWrk(Number(values.seconds), Number(values.connections));
    result.under_wrk = { ...w, aggregation_cpu_share_of_one_core_estimate: Number(((w.wrk.rps * router) / 1e9).toFixed(4)) };
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
