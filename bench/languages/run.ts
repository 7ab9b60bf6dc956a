// Per language, a small web app with one or two dependencies (the e2e fixtures: node-dep,
// python-flask, go-web, java-maven, ruby-sinatra, php-composer) pushed to a new app twice: cold
// (empty build cache) and warm (a changed commit, cache filled). Prints JSON on stdout, progress on
// stderr: per push the build (bin/compile) time, push start → `Released vN`, and boot (`Released`
// → the new dyno up, `Verifying deploy... done.`); for the cold push also released → first 200
// through the router (boot to first byte; on a warm push the old release still answers). Needs
// root, and build dynos reaching npm, PyPI, the Go proxy and Maven Central (--outbound on).
//   node dist/bench/languages/run.js [reps=1] [--languages node,python,go,java,ruby,php]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { repoRoot } from '../../test/support/repo-root.js';
import { marksOf } from '../deploy/phases.js';
import { waitForRelease } from '../deploy/router-probe.js';
import { summarize } from '../deploy/stats.js';
import { gitEnv, timedPush } from '../deploy/timed-push.js';

const FIXTURES = { node: 'node-dep', python: 'python-flask', go: 'go-web', java: 'java-maven', ruby: 'ruby-sinatra', php: 'php-composer' } as const;
type Language = keyof typeof FIXTURES;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { languages: { type: 'string' } } });
const REPS = Math.max(1, Math.min(20, Number(positionals[0] ?? 1) || 1));
const languages = (values.languages ?? Object.keys(FIXTURES).join(',')).split(',').map((s) => s.trim()) as Language[];
for (const l of languages) if (!(l in FIXTURES)) throw new Error(`Unknown language ${l}; use ${Object.keys(FIXTURES).join(', ')}`);

const progress = (msg: string) => process.stderr.write(`[bench languages] ${msg}\n`);
const run = promisify(execFile);
const git = (dir: string, args: string[]) => run('git', ['-C', dir, ...args], { env: gitEnv(), timeout: 30_000 });
const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);

interface PushRecord {
  language: Language;
  cache: 'cold' | 'warm';
  ok: boolean;
  error?: string;
  /** bin/compile and bin/release: `app detected` → `Compressing...`. */
  compile_ms?: number;
  /** push start → `Released vN`. */
  push_to_release_ms?: number;
  /** `Released vN` → `Verifying deploy... done.` (the new dyno up). */
  boot_ms?: number;
  /** cold only: `Released vN` → the first 200 through the router. */
  boot_to_first_byte_ms?: number;
  load1_before: number;
}

async function pushOnce(berth: BerthProcess, app: string, dir: string, language: Language, cache: 'cold' | 'warm'): Promise<PushRecord> {
  await writeFile(join(dir, 'bench-marker.txt'), `${cache} ${randomBytes(4).toString('hex')}\n`);
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', `bench ${cache}`]);
  const load1 = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  let released: number | undefined;
  let ended = false;
  const t0 = performance.now();
  const pushing = timedPush({
    dir, url: `https://localhost:${berth.runtime.api_tls_port}/${app}.git`, apiKey: berth.adminKey, caCert: berth.runtime.ca_cert, t0, timeoutMs: 600_000,
    onLine: (line) => void (released === undefined && /^remote:\s+Released v\d+/.test(line.text) && (released = line.t)),
  }).then((r) => ((ended = r.code !== 0), r));
  // Cold: nothing served before, so any 200 is the new release (the fixtures' bodies hold no marker).
  const probing = cache === 'cold'
    ? waitForRelease({ routerPort: berth.runtime.router_port, host: `${app}.${berth.runtime.domain}`, marker: '', t0, deadlineMs: 600_000, fast: () => released !== undefined, abandoned: () => ended })
    : Promise.resolve({ firstMs: undefined });
  const [push, probe] = await Promise.all([pushing, probing]);
  const marks = marksOf(push.lines);
  const record: PushRecord = { language, cache, ok: push.code === 0, load1_before: load1 };
  if (!record.ok) {
    record.error = push.lines.slice(-12).map((l) => l.text).join('\n');
    return record;
  }
  const span = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? round(b - a) : undefined);
  Object.assign(record, {
    compile_ms: span(marks.detected, marks.compressing),
    push_to_release_ms: round(marks.released),
    boot_ms: span(marks.released, marks.verified),
    ...(cache === 'cold' ? { boot_to_first_byte_ms: span(marks.released, probe.firstMs) } : {}),
  });
  return record;
}

async function oneLanguage(berth: BerthProcess, language: Language, records: PushRecord[]): Promise<void> {
  const app = `bench-${language}-${randomBytes(3).toString('hex')}`;
  const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) });
  if (created.status !== 201) throw new Error(`creating ${app} answered ${created.status}`);
  const dir = await mkdtemp(join(tmpdir(), `berth-bench-${language}-`));
  try {
    await cp(join(repoRoot(), 'test', 'fixtures', 'apps', FIXTURES[language]), dir, { recursive: true });
    await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
    for (const cache of ['cold', 'warm'] as const) {
      const record = await pushOnce(berth, app, dir, language, cache);
      records.push(record);
      progress(`${language} ${cache}: ${record.ok ? JSON.stringify(record) : `FAILED\n${record.error}`}`);
      if (!record.ok) break;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await api(berth, `/apps/${app}`, { method: 'DELETE' }).catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const records: PushRecord[] = [];
  let fatal: string | undefined;
  progress(`starting Berth (--outbound on); ${REPS} rep(s) of ${languages.join(', ')}`);
  const berth = await startBerth({ args: ['--outbound', 'on'], timeoutMs: 180_000 });
  const stop = () => berth.destroy();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    for (let rep = 1; rep <= REPS; rep++) for (const language of languages) await oneLanguage(berth, language, records);
  } catch (err) {
    fatal = err instanceof Error ? err.stack ?? err.message : String(err);
    progress(`failed: ${fatal}`);
  } finally {
    progress('stopping Berth');
    await stop();
  }
  const results: Record<string, unknown> = {};
  for (const language of languages) {
    const per: Record<string, unknown> = { fixture: FIXTURES[language] };
    for (const cache of ['cold', 'warm'] as const) {
      const ok = records.filter((r) => r.language === language && r.cache === cache && r.ok);
      per[cache] = {
        runs: records.filter((r) => r.language === language && r.cache === cache).length,
        ok: ok.length,
        compile_ms: summarize(ok.map((r) => r.compile_ms)),
        push_to_release_ms: summarize(ok.map((r) => r.push_to_release_ms)),
        boot_ms: summarize(ok.map((r) => r.boot_ms)),
        ...(cache === 'cold' ? { boot_to_first_byte_ms: summarize(ok.map((r) => r.boot_to_first_byte_ms)) } : {}),
      };
    }
    results[language] = per;
  }
  const report = { bench: 'languages', started_at: startedAt, finished_at: new Date().toISOString(), reps: REPS, cores: cpus().length, load_after: loadavg(), results, runs: records, ...(fatal ? { fatal } : {}) };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return fatal || records.some((r) => !r.ok) ? 1 : 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  progress(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
