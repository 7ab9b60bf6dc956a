// CPU isolation between apps: app B's HTTP latency (p50/p99 over a bounded request loop) with
// the machine otherwise idle, then while app A's dyno runs one busy loop per host core. Checks
// that each dyno's cpu.shares is its size's and that both dynos sit under one instance parent.
// Prints JSON with the CPUs each dyno may run on (performance sizes get dedicated ones). Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/cpu-isolation/run.js [requests=300] [rounds=5] [sizeA=standard-1x] [sizeB=standard-1x]
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findDynoSize } from '../../src/core/dyno-size.js';
import { DEDICATED_CPU_SHARES } from '../../src/runtime/cgroups.js';
import { Runtime, type RunningDyno } from '../../src/runtime/runtime.js';
import { cpuWindow } from '../deploy/cpu-share.js';

const REQUESTS = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 5);
const SIZE_A = process.argv[4] ?? 'standard-1x';
const SIZE_B = process.argv[5] ?? 'standard-1x';
const CORES = availableParallelism();
const SERVER = `require('http').createServer((req, res) => res.end('ok')).listen(process.env.PORT);\n`;
// One busy loop per core, as separate processes (a Node loop each), waited on so the dyno lives.
const BUSY = `for i in $(seq 1 ${CORES}); do node -e 'for(;;){}' & done; wait\n`;

/** A size's cpu.shares: its compute weight, or one group's weight when it has CPUs of its own. */
const expectedShares = (size: string): number | undefined => (findDynoSize(size)?.dedicated ? DEDICATED_CPU_SHARES : findDynoSize(size)?.cpuShares);

function get(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 10_000 }, (res) => { res.resume().on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject).end();
  });
}

function stats(samples: number[]): Record<string, number> {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN) * 100) / 100;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), n: s.length };
}

/** REQUESTS sequential requests, a fresh connection each (as the router makes them). */
async function measure(d: RunningDyno, into: number[]): Promise<Record<string, number>> {
  const window = cpuWindow();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    if ((await get(d.address!.host, d.port)) !== 200) throw new Error('app B did not answer 200');
    samples.push(performance.now() - t0);
  }
  into.push(...samples);
  return { p99: stats(samples).p99!, foreign_cores: window.foreignCores(), own_cores: window.ownCores() };
}

/** Stops or resumes every process of a dyno's cgroup (app A's loops between rounds). */
async function signalAll(cpuDir: string, signal: NodeJS.Signals): Promise<void> {
  for (const pid of (await readFile(join(cpuDir, 'cgroup.procs'), 'utf8')).trim().split('\n').filter(Boolean)) {
    try { process.kill(Number(pid), signal); } catch { /* gone */ }
  }
}

/** Cores the members of a cgroup used over one second (utime + stime from /proc; cpuacct is not ours). */
async function busyCores(cpuDir: string): Promise<number> {
  const ticks = async (): Promise<number> => {
    const pids = (await readFile(join(cpuDir, 'cgroup.procs'), 'utf8')).trim().split('\n').filter(Boolean);
    let sum = 0;
    for (const pid of pids) {
      const text = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      sum += Number(f[11] ?? 0) + Number(f[12] ?? 0);
    }
    return sum;
  };
  const u0 = await ticks();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  return Math.round((((await ticks()) - u0) * 10) / (performance.now() - t0) * 100) / 100; // CLK_TCK = 100
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-cpu-'));
  const slugDir = join(root, 'slug');
  await mkdir(slugDir);
  await writeFile(join(slugDir, 'server.js'), SERVER);
  await writeFile(join(slugDir, 'busy.sh'), BUSY, { mode: 0o755 });
  const runtime = new Runtime({ prefix: `c${randomBytes(3).toString('hex').slice(0, 5)}`, stateDir: join(root, 'dynos'), standby: 0 });
  const start = (appName: string, name: string, command: string, size: string): Promise<RunningDyno> => runtime.start({
    id: randomUUID(), appId: randomUUID(), appName, name, command, env: {}, size, network: 'bridge', app: { kind: 'slug', slugDir },
  }).then((d) => { d.stdout.resume(); d.stderr.resume(); return d; });
  let a: RunningDyno | undefined;
  let b: RunningDyno | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([a, b].map(async (d) => { if (d) { await d.stop(3000); await d.exited; } }));
    await runtime.shutdown({ killDynos: true });
    await rm(root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { void stop().finally(() => process.exit(130)); });
  try {
    b = await start('bench-b', 'web.1', 'node server.js', SIZE_B);
    if (!(await b.waitForPort(20_000))) throw new Error('app B never bound its port');
    for (let i = 0; i < 50; i++) await get(b.address!.host, b.port); // warm up
    a = await start('bench-a', 'worker.1', './busy.sh', SIZE_A);
    await new Promise((r) => setTimeout(r, 1500)); // let the loops start
    // Rounds alternate idle (A's loops stopped) and loaded (resumed), so load from other tenants of
    // this machine falls on both sides alike; the samples of each side are pooled.
    const idleSamples: number[] = [];
    const loadedSamples: number[] = [];
    const rounds: Record<string, unknown>[] = [];
    let aCores = 0;
    for (let r = 0; r < ROUNDS; r++) {
      await signalAll(a.cgroups.cpu, 'SIGSTOP');
      await new Promise((res) => setTimeout(res, 100));
      const idleRound = await measure(b, idleSamples);
      await signalAll(a.cgroups.cpu, 'SIGCONT');
      aCores = await busyCores(a.cgroups.cpu);
      const loadedRound = await measure(b, loadedSamples);
      rounds.push({ idle: idleRound, loaded: { ...loadedRound, app_a_cores: aCores } });
      process.stderr.write(`round ${r + 1}/${ROUNDS}: p99 idle ${idleRound.p99} ms, loaded ${loadedRound.p99} ms (A on ${aCores} cores)\n`);
    }
    const idle = stats(idleSamples);
    const loaded = stats(loadedSamples);
    const readShares = async (d: RunningDyno): Promise<number> => Number((await readFile(join(d.cgroups.cpu, 'cpu.shares'), 'utf8')).trim());
    const parent = dirname(a.cgroups.cpu);
    const parentShares = Number((await readFile(join(parent, 'cpu.shares'), 'utf8')).trim());
    const parentQuota = Number((await readFile(join(parent, 'cpu.cfs_quota_us'), 'utf8')).trim());
    const ratio = Math.round((loaded.p99! / idle.p99!) * 100) / 100;
    // The CPUs each dyno may run on (cpuset; absent on a runtime without dedicated CPUs).
    const cpusOf = async (d: RunningDyno): Promise<string> => {
      const dir = (d.cgroups as { cpuset?: string }).cpuset;
      return dir ? (await readFile(join(dir, 'cpuset.cpus'), 'utf8')).trim() : 'all';
    };
    const result = {
      host_cores: CORES,
      loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
      requests_per_round: REQUESTS,
      rounds: ROUNDS,
      app_a: { size: SIZE_A, busy_loops: CORES, cpu_shares: await readShares(a), expected_shares: expectedShares(SIZE_A), busy_cores: aCores, cpus: await cpusOf(a) },
      app_b: { size: SIZE_B, cpu_shares: await readShares(b), expected_shares: expectedShares(SIZE_B), cpus: await cpusOf(b) },
      one_parent: dirname(b.cgroups.cpu) === parent,
      parent: { cpu_shares: parentShares, cfs_quota_us: parentQuota },
      idle_ms: idle,
      loaded_ms: loaded,
      p99_ratio: ratio,
      within_2x: ratio <= 2,
      per_round: rounds,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
