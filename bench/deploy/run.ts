// git push → the new release serving its first 200 through the router, per phase, for
// (a) a Procfile-only app and (b) a Node app with one npm dependency, cold cache (first push of a
// new app) and warm cache (a second push of a changed commit to the same app). Prints JSON on
// stdout, progress on stderr. Needs root (dynos) and, for node-dep, the npm registry (build dynos
// reach it through NAT: Berth runs with --outbound on). See bench/README.md.
//   cd /work/main && npx tsc -p tsconfig.json && unset NODE_EXTRA_CA_CERTS
//   node dist/bench/deploy/run.js [reps=5] [--scenarios procfile-web,node-dep] [--timeline] [--no-warmup]
//     [--quiet 0.3] [--quiet-wait 20] [--undisturbed 0.5]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { repoRoot } from '../../test/support/repo-root.js';
import { benchRepo, type BenchRepo } from './app-repo.js';
import { bootMarks } from './boot-marks.js';
import { cpuWindow, waitQuiet } from './cpu-share.js';
import { marksOf, PHASES, phasesOf, SUB_PHASES } from './phases.js';
import { waitForRelease } from './router-probe.js';
import { summarize } from './stats.js';
import { timedPush, type TimedLine } from './timed-push.js';

const SCENARIOS = {
  'procfile-web': { targets: { cold: 1500, warm: 1500 }, coldDeadlineMs: 60_000 },
  'node-dep': { targets: { cold: null, warm: 3000 }, coldDeadlineMs: 240_000 },
} as const;
type Scenario = keyof typeof SCENARIOS;
type Cache = 'cold' | 'warm';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenarios: { type: 'string' }, timeline: { type: 'boolean' }, 'no-warmup': { type: 'boolean' }, quiet: { type: 'string' }, 'quiet-wait': { type: 'string' }, undisturbed: { type: 'string' } },
});
/** Before each push, wait (≤ QUIET_WAIT_MS) for a 1 s window in which other processes use < QUIET cores. */
const QUIET = Number(values.quiet ?? 0.3);
const QUIET_WAIT_MS = Number(values['quiet-wait'] ?? 20) * 1000;
/** Runs during which others used at most this many cores are summarized again on their own. */
const UNDISTURBED = Number(values['undisturbed'] ?? 0.5);
const REPS = Math.max(1, Math.min(50, Number(positionals[0] ?? 5) || 5));
const scenarios = (values.scenarios ?? 'procfile-web,node-dep').split(',').map((s) => s.trim()) as Scenario[];
for (const s of scenarios) if (!(s in SCENARIOS)) throw new Error(`Unknown scenario ${s}; use ${Object.keys(SCENARIOS).join(', ')}`);

const progress = (msg: string) => process.stderr.write(`[bench deploy] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);

interface RunRecord {
  scenario: Scenario;
  cache: Cache;
  rep: number;
  app: string;
  ok: boolean;
  error?: string;
  total_ms?: number;
  push_exit_ms: number;
  phases: Record<string, number>;
  probes: number;
  load1_before: number;
  /** Waited for a quiet machine before the push; CPU (cores) others and the bench's tree used during it. */
  quiet_wait_ms: number;
  foreign_cores: number;
  own_cores: number;
  timeline?: TimedLine[];
}

async function deployOnce(berth: BerthProcess, app: string, repo: BenchRepo, scenario: Scenario, cache: Cache, rep: number): Promise<RunRecord> {
  const marker = `${cache}-${rep}-${randomBytes(4).toString('hex')}`;
  await repo.commit(marker);
  const deadlineMs = cache === 'cold' ? SCENARIOS[scenario].coldDeadlineMs : 120_000;
  const quiet = QUIET > 0 ? await waitQuiet(QUIET, QUIET_WAIT_MS) : { waitedMs: 0 };
  const load1 = loadavg()[0] ?? 0;
  const cpu = cpuWindow();
  let released = false;
  let ended = false;
  const t0 = performance.now();
  const t0Wall = Date.now();
  const pushing = timedPush({
    dir: repo.dir,
    url: `https://localhost:${berth.runtime.api_tls_port}/${app}.git`,
    apiKey: berth.adminKey,
    caCert: berth.runtime.ca_cert,
    t0,
    timeoutMs: deadlineMs,
    onLine: (line) => void (/^remote:\s+Released v\d+/.test(line.text) && (released = true)),
  }).then((r) => {
    ended = r.code !== 0;
    return r;
  });
  const probing = waitForRelease({ routerPort: berth.runtime.router_port, host: `${app}.${berth.runtime.domain}`, marker, t0, deadlineMs, fast: () => released, abandoned: () => ended });
  const [push, probe] = await Promise.all([pushing, probing]);
  const foreign = cpu.foreignCores();
  const own = cpu.ownCores();
  await sleep(300); // the last platform log lines reach the history
  const marks = { ...marksOf(push.lines), ...(await bootMarks(berth, app, t0Wall).catch(() => ({}))) };
  const record: RunRecord = {
    scenario, cache, rep, app,
    ok: push.code === 0 && probe.firstMs !== undefined,
    push_exit_ms: Math.round(push.exitMs * 10) / 10,
    phases: phasesOf(marks, probe.firstMs),
    probes: probe.probes,
    load1_before: Math.round(load1 * 100) / 100,
    quiet_wait_ms: quiet.waitedMs,
    foreign_cores: foreign,
    own_cores: own,
  };
  if (probe.firstMs !== undefined) record.total_ms = Math.round(probe.firstMs * 10) / 10;
  if (!record.ok) {
    const tail = push.lines.slice(-15).map((l) => l.text).join('\n');
    record.error = push.code !== 0 ? `git push exited ${push.code}:\n${tail}` : `no 200 with the new marker within ${deadlineMs} ms (statuses ${JSON.stringify(probe.statuses)}, last body ${JSON.stringify(probe.lastBody.slice(0, 200))})`;
  }
  if (values.timeline || !record.ok) record.timeline = push.lines.map((l) => ({ t: Math.round(l.t * 10) / 10, text: l.text }));
  return record;
}

async function oneApp(berth: BerthProcess, scenario: Scenario, rep: number, runs: RunRecord[] | undefined): Promise<void> {
  const app = `bench-${scenario === 'node-dep' ? 'node' : 'proc'}-${randomBytes(3).toString('hex')}-${rep}`;
  const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) });
  if (created.status !== 201) throw new Error(`creating ${app} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const repo = await benchRepo(scenario);
  try {
    for (const cache of ['cold', 'warm'] as const) {
      const record = await deployOnce(berth, app, repo, scenario, cache, rep);
      runs?.push(record);
      progress(`${scenario} ${cache} #${rep}: ${record.ok ? `${record.total_ms} ms (push exit ${record.push_exit_ms} ms; others used ${record.foreign_cores} cores, Berth ${record.own_cores}) ${JSON.stringify(record.phases)}` : `FAILED ${record.error}`}`);
      if (!record.ok) break;
      await sleep(500); // let the old dyno's stop settle before the next push
    }
  } finally {
    await repo.remove();
    const deleted = await api(berth, `/apps/${app}`, { method: 'DELETE' }).catch((err: Error) => ({ status: 0, body: err.message }));
    if (deleted.status !== 200) progress(`deleting ${app} answered ${deleted.status}`);
    await sleep(1000);
  }
}

async function gitInfo(): Promise<{ commit: string; dirty_files: number }> {
  const run = promisify(execFile);
  const head = await run('git', ['-C', repoRoot(), 'rev-parse', '--short', 'HEAD']).then((r) => r.stdout.trim(), () => 'unknown');
  const dirty = await run('git', ['-C', repoRoot(), 'status', '--porcelain']).then((r) => r.stdout.split('\n').filter(Boolean).length, () => -1);
  return { commit: head, dirty_files: dirty };
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const runs: RunRecord[] = [];
  let berth: BerthProcess | undefined;
  let fatal: string | undefined;
  const stopBerth = async () => {
    if (!berth) return;
    const b = berth;
    berth = undefined;
    progress('stopping Berth (SIGTERM)');
    const stopped = await Promise.race([b.destroy().then(() => true), sleep(60_000).then(() => false)]);
    if (!stopped) progress(`Berth did not stop within 60 s; its data dir ${b.dataDir} is left behind`);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopBerth().finally(() => process.exit(130)));
  }
  try {
    progress(`starting Berth (--outbound on); ${REPS} reps of ${scenarios.join(', ')}; load ${loadBefore.join(' ')}`);
    berth = await startBerth({ args: ['--outbound', 'on'], timeoutMs: 180_000 });
    if (!values['no-warmup']) {
      progress('warm-up deploy (not counted)');
      await oneApp(berth, 'procfile-web', 0, undefined);
    }
    for (const scenario of scenarios) for (let rep = 1; rep <= REPS; rep++) await oneApp(berth, scenario, rep, runs);
  } catch (err) {
    fatal = err instanceof Error ? err.stack ?? err.message : String(err);
    progress(`failed: ${fatal}`);
  } finally {
    await stopBerth();
  }
  const loadAfter = load();

  const results: Record<string, unknown> = {};
  for (const scenario of scenarios) {
    const byCache: Record<string, unknown> = {};
    for (const cache of ['cold', 'warm'] as const) {
      const mine = runs.filter((r) => r.scenario === scenario && r.cache === cache);
      const ok = mine.filter((r) => r.ok);
      const total = summarize(ok.map((r) => r.total_ms));
      const target = SCENARIOS[scenario].targets[cache];
      const phases: Record<string, unknown> = {};
      for (const phase of [...PHASES, ...SUB_PHASES.map(([name]) => name)]) {
        const s = summarize(ok.map((r) => r.phases[phase]));
        if (s.n > 0) phases[phase] = { median: s.median, p90: s.p90 };
      }
      byCache[cache] = {
        runs: mine.length,
        failed: mine.length - ok.length,
        total_ms: total,
        push_exit_ms: summarize(ok.map((r) => r.push_exit_ms)),
        foreign_cores: summarize(ok.map((r) => r.foreign_cores)),
        undisturbed: (() => {
          const calm = ok.filter((r) => r.foreign_cores <= UNDISTURBED);
          return { max_foreign_cores: UNDISTURBED, total_ms: summarize(calm.map((r) => r.total_ms)), boot_ms: summarize(calm.map((r) => r.phases.boot)), compile_ms: summarize(calm.map((r) => r.phases.compile)) };
        })(),
        own_cores: summarize(ok.map((r) => r.own_cores)),
        phases_ms: phases,
        target_ms: target,
        meets_target: target === null || total.median === null ? null : { median: total.median <= target, p90: (total.p90 ?? Infinity) <= target },
      };
    }
    results[scenario] = byCache;
  }
  const cpuList = cpus();
  const report = {
    bench: 'deploy',
    what: 'git push → first 200 of the new release through the router (Host <app>.localhost), ms',
    started_at: startedAt,
    berth: await gitInfo(),
    machine: {
      cpus: cpuList.length,
      cpu_model: cpuList[0]?.model ?? 'unknown',
      mem_total_mb: Math.round(totalmem() / 1048576),
      mem_free_mb: Math.round(freemem() / 1048576),
      node: process.version,
      quiet_threshold_cores: QUIET,
      loadavg_before: loadBefore,
      loadavg_after: loadAfter,
    },
    reps: REPS,
    results,
    runs,
    ...(fatal ? { error: fatal } : {}),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return fatal || runs.some((r) => !r.ok) ? 1 : 0;
}

process.exitCode = await main();
