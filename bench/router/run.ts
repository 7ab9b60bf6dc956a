/**
 * Router benchmark (not a test): wrk against (a) one dyno directly, (b) Debian's nginx as reverse
 * proxy of two dynos, (c) Berth's router (node:cluster, one worker per core) in front of the same
 * two dynos; 13-byte and 100 KB bodies at c=1/64/256; repetitions interleaved; medians. Prints
 * JSON on stdout (progress on stderr).
 *
 *   node dist/bench/router/run.js [--reps 3] [--duration 8] [--targets direct,nginx,berth]
 *     [--tests small-c1,small-c64,small-c256,100k-c1,100k-c64,100k-c256] [--quiet 0.15]
 *
 * Target `berth-nolog` (not in the default set) is Berth's router without at=info log lines: it
 * shows what producing and shipping one log line per request costs. Target `node-floor` is
 * floor-proxy.ts, the least a Node proxy on net sockets can do: what Node itself costs.
 *
 * Each run waits (≤ 30 s) for a quiet machine (other processes < --quiet cores), measures the
 * CPU others used meanwhile, and is repeated (≤ 2 more times) when that exceeded --quiet; the
 * least disturbed attempt counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { foreignLoad, treeCpuUs, waitQuiet } from './proc-stats.js';
import { startBerth, startDyno, startFloor, startNginx, stopChild, type Target } from './targets.js';
import { runWrk, type WrkResult } from './wrk.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    targets: { type: 'string', default: 'direct,nginx,berth' },
    tests: { type: 'string', default: 'small-c1,small-c64,small-c256,100k-c1,100k-c64,100k-c256' },
    quiet: { type: 'string', default: '0.15' },
  },
});

interface Run extends WrkResult {
  target: string;
  test: string;
  rep: number;
  attempt: number;
  proxyUsPerReq: number;
  foreignCores: number;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 3) => Number(x.toFixed(d));

async function main(): Promise<void> {
  const reps = Number(values.reps);
  const duration = Number(values.duration);
  const quiet = Number(values.quiet);
  const targets = String(values.targets).split(',');
  const tests = String(values.tests).split(',').map((name) => {
    const [size, c] = name.split('-c');
    return { name, path: size === '100k' ? '/100k' : '/', c: Number(c), seconds: Number(c) === 1 ? Math.min(5, duration) : duration };
  });
  const dir = await mkdtemp(join(tmpdir(), 'berth-router-bench-'));
  const hosts = Array.from({ length: 1000 }, (_, i) => `app${i}.bench.test`);
  const host = 'app1.bench.test';
  const dynos = [await startDyno(), await startDyno()];
  const ports = dynos.map((d) => d.port);
  const runs: Run[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const name of targets) {
        const target: Target =
          name === 'nginx' ? await startNginx(dir, ports, hosts)
          : name === 'berth' ? await startBerth(ports)
          : name === 'berth-nolog' ? await startBerth(ports, false)
          : name === 'node-floor' ? await startFloor(ports)
          : { name: 'direct', port: ports[0] as number, pid: 0, stop: async () => undefined };
        try {
          await runWrk(target.port, host, '/', 64, 2); // warm-up: JIT, pools
          for (const t of tests) {
            let best: Run | null = null;
            for (let attempt = 1; attempt <= 3; attempt++) {
              await waitQuiet(process.pid, quiet, 30_000);
              const cpu0 = target.pid ? treeCpuUs(target.pid) : 0;
              const { result, foreignCores } = await foreignLoad(process.pid, () => runWrk(target.port, host, t.path, t.c, t.seconds));
              const cpu1 = target.pid ? treeCpuUs(target.pid) : 0;
              const run: Run = { ...result, target: name, test: t.name, rep, attempt, proxyUsPerReq: round((cpu1 - cpu0) / result.requests, 1), foreignCores: round(foreignCores, 2) };
              log(`rep ${rep} ${name.padEnd(6)} ${t.name.padEnd(10)} rps=${Math.round(run.rps)} p50=${run.p50} p99=${run.p99} cpu/req=${run.proxyUsPerReq}µs err=${run.errors + run.non2xx} foreign=${run.foreignCores}`);
              if (best === null || run.foreignCores < best.foreignCores) best = run;
              if (foreignCores <= quiet) break;
            }
            runs.push(best as Run);
          }
        } finally {
          await target.stop();
        }
      }
    }
  } finally {
    for (const d of dynos) await stopChild(d.child);
    await rm(dir, { recursive: true, force: true });
  }

  const summary: Record<string, Record<string, unknown>> = {};
  for (const name of targets) {
    for (const t of tests) {
      const rs = runs.filter((r) => r.target === name && r.test === t.name);
      (summary[name] ??= {})[t.name] = {
        rps: Math.round(median(rs.map((r) => r.rps))), rpsMin: Math.round(Math.min(...rs.map((r) => r.rps))), rpsMax: Math.round(Math.max(...rs.map((r) => r.rps))),
        p50ms: median(rs.map((r) => r.p50)), p99ms: median(rs.map((r) => r.p99)),
        proxyCpuUsPerReq: median(rs.map((r) => r.proxyUsPerReq)), errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
        maxForeignCores: Math.max(...rs.map((r) => r.foreignCores)),
      };
    }
  }
  const get = (target: string, test: string, k: string) => (summary[target]?.[test] as Record<string, number> | undefined)?.[k] ?? NaN;
  const vsNginx: Record<string, number> = {};
  const addedOverDirect: Record<string, Record<string, { p50ms: number; p99ms: number }>> = {};
  for (const t of tests) {
    if (summary.berth && summary.nginx) vsNginx[t.name] = round(get('berth', t.name, 'rps') / get('nginx', t.name, 'rps'));
    if (summary['berth-nolog'] && summary.nginx) vsNginx[`${t.name} (no log lines)`] = round(get('berth-nolog', t.name, 'rps') / get('nginx', t.name, 'rps'));
    if (summary['node-floor'] && summary.nginx) vsNginx[`${t.name} (node-floor, for reference)`] = round(get('node-floor', t.name, 'rps') / get('nginx', t.name, 'rps'));
    for (const name of targets.filter((n) => n !== 'direct')) {
      if (!summary.direct) continue;
      (addedOverDirect[name] ??= {})[t.name] = {
        p50ms: round(get(name, t.name, 'p50ms') - get('direct', t.name, 'p50ms')),
        p99ms: round(get(name, t.name, 'p99ms') - get('direct', t.name, 'p99ms')),
      };
    }
  }
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5_000 });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim();
  };
  process.stdout.write(`${JSON.stringify({
    machine: { cores: availableParallelism(), kernel: release(), node: process.version, nginx: version('nginx', ['-v']), wrk: version('wrk', ['-v']) },
    config: { reps, durationS: duration, quietCores: quiet, dynos: 2, routeTableApps: 1000, berthWorkers: availableParallelism(), nginx: 'worker_processes auto, keepalive 1024, access_log off', wrk: '-t1 --latency' },
    berthRpsVsNginx: vsNginx,
    addedLatencyOverDirect: addedOverDirect,
    summary,
    runs,
  }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
