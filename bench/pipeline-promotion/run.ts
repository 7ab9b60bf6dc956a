// Pipeline promotion through a real `bin/berth up`: a source app's SIZE MB slug promoted to 3
// target apps, from `POST /pipeline-promotions` until every target's web dyno serves the new slug
// through the router. Each repetition uploads a fresh slug (random, incompressible bytes), so
// every target unpacks it anew. Checks that the targets run the source's slug id and that no build
// ran (promotion never rebuilds). Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/pipeline-promotion/run.js [reps=5] [--size-mb 50] [--targets 3]
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { routerGet } from '../../test/support/spine.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const REPS = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 5);
const SIZE_MB = flag('size-mb', 50);
const TARGETS = flag('targets', 3);
const TARGET_MS = 2000;
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round = (ms: number) => Math.round(ms * 10) / 10;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { p50: at(0.5), p90: at(0.9), min: at(0), max: at(1), n: s.length };
}

async function ok(berth: BerthProcess, path: string, init: RequestInit = {}, status = [200, 201]) {
  const reply = await api(berth, path, init);
  if (!status.includes(reply.status)) throw new Error(`${init.method ?? 'GET'} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A slug tarball: server.js answering `marker`, plus SIZE_MB of random bytes (incompressible). */
async function makeSlug(dir: string, marker: string): Promise<Buffer> {
  const app = join(dir, 'app');
  await rm(app, { recursive: true, force: true });
  await run('mkdir', ['-p', app]);
  await writeFile(join(app, 'server.js'), `require('http').createServer((q, s) => s.end(${JSON.stringify(marker)})).listen(process.env.PORT);\n`);
  const blob = createWriteStream(join(app, 'payload.bin'));
  for (let i = 0; i < SIZE_MB; i++) blob.write(randomBytes(1024 * 1024));
  await new Promise((resolve, reject) => blob.end(() => resolve(undefined)).on('error', reject));
  await run('tar', ['-czf', join(dir, 'slug.tgz'), '-C', dir, 'app'], { timeout: 120_000 });
  return readFile(join(dir, 'slug.tgz'));
}

async function release(berth: BerthProcess, app: string, data: Buffer): Promise<string> {
  const checksum = `SHA256:${createHash('sha256').update(data).digest('hex')}`;
  const slug = await ok(berth, `/apps/${app}/slugs`, { method: 'POST', body: JSON.stringify({ process_types: { web: 'node server.js' }, checksum }) });
  const put = await fetch(slug.blob.url, { method: 'PUT', body: data, headers: { 'content-type': '' } });
  if (put.status !== 200) throw new Error(`slug upload: ${put.status} ${await put.text()}`);
  await ok(berth, `/apps/${app}/releases`, { method: 'POST', body: JSON.stringify({ slug: slug.id }) });
  return slug.id as string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadBefore = load();
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-promotion-'));
  process.stderr.write('starting berth up…\n');
  const berth = await startBerth();
  try {
    const tag = randomBytes(3).toString('hex');
    const source = (await ok(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: `bench-src-${tag}` }) })).name as string;
    const targets: Array<{ id: string; name: string }> = [];
    for (let i = 0; i < TARGETS; i++) targets.push(await ok(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: `bench-dst${i}-${tag}` }) }));
    const pipeline = await ok(berth, '/pipelines', { method: 'POST', body: JSON.stringify({ name: `bench-${tag}` }) });
    await ok(berth, '/pipeline-couplings', { method: 'POST', body: JSON.stringify({ app: source, pipeline: pipeline.id, stage: 'staging' }) });
    for (const t of targets) await ok(berth, '/pipeline-couplings', { method: 'POST', body: JSON.stringify({ app: t.name, pipeline: pipeline.id, stage: 'production' }) });
    const sourceId = (await ok(berth, `/apps/${source}`)).id as string;

    const samples = { api_ms: [] as number[], released_ms: [] as number[], serving_ms: [] as number[] };
    const perTargetServing: number[] = [];
    let slugBytes = 0;
    let sameSlug = true;
    for (let rep = 0; rep < REPS; rep++) {
      const marker = `rep-${rep}-${tag}`;
      process.stderr.write(`rep ${rep + 1}/${REPS}: making a ${SIZE_MB} MB slug…\n`);
      const data = await makeSlug(work, marker);
      slugBytes = data.length;
      const slugId = await release(berth, source, data);
      await until('the source to serve its slug', async () => ((await routerGet(berth, source, '/')).body === marker ? true : undefined));
      process.stderr.write(`rep ${rep + 1}/${REPS}: promoting to ${TARGETS} apps…\n`);
      const t0 = performance.now();
      const promotion = await ok(berth, '/pipeline-promotions', {
        method: 'POST',
        body: JSON.stringify({ pipeline: { id: pipeline.id }, source: { app: { id: sourceId } }, targets: targets.map((t) => ({ app: { id: t.id } })) }),
      });
      samples.api_ms.push(performance.now() - t0);
      const serving = targets.map((t) => until(`${t.name} to serve ${marker}`, async () => ((await routerGet(berth, t.name, '/')).body === marker ? performance.now() - t0 : undefined)));
      const done = await until('the promotion to complete', async () => {
        const list = (await api(berth, `/pipeline-promotions/${promotion.id}/promotion-targets`)).body as Array<{ status: string; error_message: string | null }>;
        if (list.some((x) => x.status === 'failed')) throw new Error(`a target failed: ${JSON.stringify(list)}`);
        return list.every((x) => x.status === 'succeeded') ? performance.now() - t0 : undefined;
      });
      samples.released_ms.push(done);
      const times = await Promise.all(serving);
      perTargetServing.push(...times);
      samples.serving_ms.push(Math.max(...times));
      for (const t of targets) {
        const releases = (await ok(berth, `/apps/${t.name}/releases`)) as Array<{ current: boolean; slug: { id: string } | null }>;
        if (releases.find((r) => r.current)?.slug?.id !== slugId) sameSlug = false;
      }
    }
    let builds = 0;
    for (const t of targets) builds += ((await ok(berth, `/apps/${t.name}/builds`)) as unknown[]).length;
    const serving = stats(samples.serving_ms);
    process.stdout.write(`${JSON.stringify({
      benchmark: 'pipeline-promotion',
      started,
      reps: REPS,
      targets: TARGETS,
      slug_mb: SIZE_MB,
      slug_bytes: slugBytes,
      cores: cpus().length,
      loadavg_before: loadBefore,
      loadavg_after: load(),
      api: stats(samples.api_ms),
      all_released: stats(samples.released_ms),
      all_serving: serving,
      per_target_serving: stats(perTargetServing),
      target_ms: TARGET_MS,
      meets_target_p50: serving.p50 <= TARGET_MS,
      same_slug_id_on_every_target: sameSlug,
      builds_on_targets: builds,
      path: 'POST /pipeline-promotions → every target releases the source slug (own release path, unpacked per app) → its web dyno answers the new slug through the router',
    }, null, 2)}\n`);
  } finally {
    await berth.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
