// Dyno start → port bound, compared with starting the same Node server bare; with and without the
// standby pool; what Berth spends per running dyno; and N dynos started at once until all are
// bound. Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node --expose-gc dist/bench/dynos/start.js [runs=20] [resident=20] [parallel=50]
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime, type RunningDyno } from '../../src/runtime/runtime.js';

const RUNS = Number(process.argv[2] ?? 20);
const RESIDENT = Number(process.argv[3] ?? 20);
const PARALLEL = Number(process.argv[4] ?? 50);
const SERVER = `require('http').createServer((req, res) => res.end('ok')).listen(process.env.PORT);\n`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function get(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host, port, path: '/', agent: false }, (res) => { res.resume().on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject).end();
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function stats(samples: number[]): { p50: number; p95: number; min: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), min: at(0), max: at(1), n: s.length };
}

async function bare(dir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn('/usr/bin/node', ['server.js'], { cwd: dir, env: { PORT: String(port), PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
  for (let i = 0; i < 5000 && !(await canConnect('127.0.0.1', port)); i++) await sleep(2);
  if ((await get('127.0.0.1', port)) !== 200) throw new Error('bare server did not answer 200');
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

async function dyno(runtime: Runtime, slugDir: string): Promise<{ total: number; setup: number }> {
  const t0 = performance.now();
  const d = await runtime.start({
    id: randomUUID(), appId: 'bench-app', appName: 'bench', name: 'web.1', command: 'node server.js', env: {},
    size: 'standard-1x', network: 'bridge', app: { kind: 'slug', slugDir },
  });
  const setup = performance.now() - t0;
  d.stdout.resume();
  d.stderr.resume();
  if (!(await d.waitForPort(10_000))) throw new Error('dyno never bound its port');
  if ((await get(d.address!.host, d.port)) !== 200) throw new Error('dyno did not answer 200');
  const total = performance.now() - t0;
  await d.stop(5000);
  await d.exited;
  return { total, setup };
}

async function pssKb(pid: number): Promise<{ rss: number; pss: number }> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const field = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rss: field('Rss'), pss: field('Pss') };
}

async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

async function resident(runtime: Runtime, slugDir: string): Promise<Record<string, unknown>> {
  const fds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
  global.gc?.();
  const before = { heap: process.memoryUsage().heapUsed, fds: await fds() };
  const dynos: RunningDyno[] = [];
  for (let i = 0; i < RESIDENT; i++) {
    const d = await runtime.start({
      id: randomUUID(), appId: 'bench-app', appName: 'bench', name: `worker.${i + 1}`, command: 'sleep 600', env: {},
      size: 'standard-1x', network: 'bridge', app: { kind: 'slug', slugDir },
    });
    d.stdout.resume();
    d.stderr.resume();
    dynos.push(d);
  }
  await sleep(500);
  global.gc?.();
  const afterUsage = { heap: process.memoryUsage().heapUsed, fds: await fds() };
  // Berth's helper processes per dyno: bwrap (the launcher) and the sandbox's init (bwrap too).
  let helperRss = 0;
  let helperPss = 0;
  for (const d of dynos) {
    for (const pid of [d.pid, ...(await children(d.pid))]) {
      const m = await pssKb(pid);
      helperRss += m.rss;
      helperPss += m.pss;
    }
  }
  await Promise.all(dynos.map(async (d) => { await d.stop(2000); await d.exited; }));
  const per = (n: number): number => Math.round((n / RESIDENT) * 10) / 10;
  return {
    dynos: RESIDENT,
    helperProcessesPerDyno: 2,
    helperRssKbPerDyno: per(helperRss),
    helperPssKbPerDyno: per(helperPss),
    agentFdsPerDyno: per(afterUsage.fds - before.fds),
    agentHeapKbPerDyno: per((afterUsage.heap - before.heap) / 1024),
  };
}

/** N web dynos started at once (like ps:scale web=0→N) until every one is bound. */
async function parallel(runtime: Runtime, slugDir: string, n: number): Promise<Record<string, number>> {
  const t0 = performance.now();
  const dynos = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const d = await runtime.start({
      id: randomUUID(), appId: 'bench-app', appName: 'bench', name: `web.${i + 1}`, command: 'node server.js', env: {},
      size: 'standard-1x', network: 'bridge', app: { kind: 'slug', slugDir },
    });
    d.stdout.resume();
    d.stderr.resume();
    if (!(await d.waitForPort(60_000))) throw new Error(`web.${i + 1} never bound its port`);
    return d;
  }));
  const allBoundMs = Math.round(performance.now() - t0);
  await Promise.all(dynos.map(async (d) => { await d.stop(5000); await d.exited; }));
  return { dynos: n, allBoundMs };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-dynos-'));
  const slugDir = join(root, 'slug');
  await mkdir(slugDir);
  await writeFile(join(slugDir, 'server.js'), SERVER);
  const prefix = `b${randomBytes(3).toString('hex').slice(0, 5)}`;
  const pooled = new Runtime({ prefix, stateDir: join(root, 'dynos'), standby: 3 });
  const unpooled = new Runtime({ prefix: `${prefix}n`, stateDir: join(root, 'dynos-n'), standby: 0 });
  try {
    await pooled.standbyFilled();
    await unpooled.prepare();
    // Warm up page cache and both paths.
    await bare(slugDir, 25_000);
    await dyno(pooled, slugDir);
    await dyno(unpooled, slugDir);
    const b: number[] = [];
    const p: Array<{ total: number; setup: number }> = [];
    const u: Array<{ total: number; setup: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      b.push(await bare(slugDir, 25_001 + i));
      await pooled.standbyFilled();
      p.push(await dyno(pooled, slugDir));
      u.push(await dyno(unpooled, slugDir));
    }
    const bareStats = stats(b);
    const pooledStats = stats(p.map((x) => x.total));
    const unpooledStats = stats(u.map((x) => x.total));
    const result = {
      prefix,
      runs: RUNS,
      startToHttp200Ms: {
        bareNode: bareStats,
        dynoWithStandbyPool: pooledStats,
        dynoWithoutPool: unpooledStats,
      },
      overheadP50Ms: {
        withStandbyPool: Math.round((pooledStats.p50 - bareStats.p50) * 10) / 10,
        withoutPool: Math.round((unpooledStats.p50 - bareStats.p50) * 10) / 10,
      },
      startCallReturnsMs: { withStandbyPool: stats(p.map((x) => x.setup)), withoutPool: stats(u.map((x) => x.setup)) },
      standby: pooled.standbyStats(),
      perRunningDyno: await resident(pooled, slugDir),
      parallelStart: await parallel(pooled, slugDir, PARALLEL),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await pooled.shutdown({ killDynos: true });
    await unpooled.shutdown({ killDynos: true });
    await rm(root, { recursive: true, force: true });
  }
}

await main();
