// Dyno start → port bound on the berth-24 run image vs on the host's /usr (the target:
// no slower), with the standby pool (as web dynos start) and without; plus the stack cache's own
// numbers (image sizes, build time, how long the quick check at `up` takes). Prints JSON. Run as root
// on a host whose stack images are built (bin/berth stacks:build):
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/stacks/dyno-start.js [runs=20]
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostNode, openStackCache, stackCacheDir } from '../../src/main/stack-images.js';
import { Runtime } from '../../src/runtime/runtime.js';

const RUNS = Number(process.argv[2] ?? 20);
const SERVER = `require('http').createServer((req, res) => res.end('ok')).listen(process.env.PORT);\n`;

function stats(samples: number[]): { p50: number; p95: number; min: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), min: at(0), max: at(1), n: s.length };
}

async function series(runtime: Runtime, slugDir: string, stackImage: string | undefined): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const d = await runtime.start({
      id: randomUUID(), appId: 'bench-app', appName: 'bench', name: 'web.1', command: 'node server.js', env: {}, size: 'standard-1x',
      network: 'bridge', app: { kind: 'slug', slugDir }, ...(stackImage ? { stackImage } : {}),
    });
    if (!(await d.waitForPort(20_000))) throw new Error('dyno never bound its port');
    out.push(performance.now() - started);
    await d.stop(2000);
    await d.exited;
  }
  return out;
}

async function main(): Promise<void> {
  const cache = await openStackCache(stackCacheDir(process.env));
  const checkStarted = performance.now();
  const images = await cache.ensure();
  const quickCheckMs = performance.now() - checkStarted;
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-stack-'));
  const slugDir = join(root, 'slug');
  await import('node:fs/promises').then((fs) => fs.mkdir(slugDir));
  await writeFile(join(slugDir, 'server.js'), SERVER);
  const prefix = `b${randomBytes(2).toString('hex')}`;
  const results: Record<string, unknown> = {};
  for (const standby of [3, 0]) {
    const runtime = new Runtime({ prefix: `${prefix}${standby}`, stateDir: join(root, `dynos-${standby}`), standby, hostNode: hostNode() });
    try {
      await runtime.prepare();
      await series(runtime, slugDir, images.run); // warm-up: page cache, the image's /etc copy
      const host = await series(runtime, slugDir, undefined);
      const stack = await series(runtime, slugDir, images.run);
      results[standby > 0 ? 'standby_pool' : 'no_pool'] = { host_root_ms: stats(host), stack_image_ms: stats(stack) };
    } finally {
      await runtime.shutdown({ killDynos: true });
    }
  }
  await rm(root, { recursive: true, force: true });
  const m = images.manifest;
  process.stdout.write(`${JSON.stringify({
    bench: 'stack dyno start (spawn → port bound)',
    stack: images.stack,
    version: images.version,
    run_image_bytes: m.images.run.bytes,
    build_image_bytes: m.images.build.bytes,
    packages: { run: m.packages.run.length, build: m.packages.build.length },
    build_seconds: m.buildSeconds,
    quick_check_ms: Math.round(quickCheckMs),
    load_average: (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10),
    ...results,
  }, null, 2)}\n`);
}

await main();
