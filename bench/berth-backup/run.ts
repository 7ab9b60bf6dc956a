// Backup and restore of Berth itself, through a real `bin/berth up`: N apps (default 20; each a
// push of test/fixtures/apps/procfile-web and a config var), then `admin:backup` while Berth runs,
// Berth stopped, `admin:restore` into a new data dir, `up` on it, and every app's first 200
// through the router. With pg=K, the first K apps also get a heroku-postgresql add-on with a row and
// a pg:backups backup, and the restored Berth is timed until each database answers with that row
// (recreated from the backup by the first `up`). Prints JSON: sizes (data dir, archive) and seconds
// per step. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/berth-backup/run.js [apps=20] [pg=0]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api, startBerth, testEnv, type BerthProcess } from '../../test/support/berth-process.js';
import { shutDown } from '../../test/support/e2e-harness.js';
import { appRepo, type AppRepo } from '../../test/support/git-push.js';
import { repoRoot } from '../../test/support/repo-root.js';
import { berthCli as cli } from '../../test/support/berth-cli.js';
import { sql } from '../../test/support/pg-query.js';
import { createApp, routerGet } from '../../test/support/spine.js';

const APPS = Number(process.argv[2] ?? 20);
const PG = Number(process.argv[3] ?? 0);
const run = promisify(execFile);
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const seconds = (from: number) => Math.round((performance.now() - from) / 10) / 100;
const berthCli = (args: string[]) => run(process.execPath, [join(repoRoot(), 'dist', 'src', 'main', 'berth.js'), ...args], { env: testEnv(), timeout: 600_000 });

async function bytesOf(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}

async function allServing(berth: BerthProcess, apps: string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(apps);
  while (pending.size > 0) {
    for (const app of [...pending]) if ((await routerGet(berth, app).catch(() => ({ status: 0 }))).status === 200) pending.delete(app);
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not serving after ${timeoutMs} ms: ${[...pending].join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const databaseUrl = async (berth: BerthProcess, app: string) => (await api(berth, `/apps/${app}/config-vars`)).body.DATABASE_URL as string;

/** Waits until every app's database answers with its row through the app's (possibly updated) DATABASE_URL. */
async function allDataBack(berth: BerthProcess, apps: string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(apps);
  while (pending.size > 0) {
    for (const app of [...pending]) {
      const rows = await sql<{ app: string }>(await databaseUrl(berth, app), 'SELECT app FROM bench').catch(() => []);
      if (rows[0]?.app === app) pending.delete(app);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`add-on data not back after ${timeoutMs} ms: ${[...pending].join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-backup-'));
  const repos: AppRepo[] = [];
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  try {
    first = await startBerth({ timeoutMs: 120_000 });
    const apps: string[] = [];
    const setupStart = performance.now();
    for (let i = 0; i < APPS; i++) {
      const app = `bb-${i}-${Math.random().toString(36).slice(2, 6)}`;
      await createApp(first, app);
      const repo = await appRepo(first, app, 'procfile-web');
      repos.push(repo);
      const pushed = await repo.push();
      if (pushed.code !== 0) throw new Error(`push ${app}: ${pushed.stderr}`);
      await api(first, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ BENCH_INDEX: String(i) }) });
      apps.push(app);
    }
    await allServing(first, apps);
    for (const app of apps.slice(0, PG)) {
      const created = await cli(first, ['addons:create', 'heroku-postgresql:essential-0', '-a', app], { timeoutMs: 120_000 });
      if (created.code !== 0) throw new Error(`addons:create ${app}: ${created.stderr}`);
      await sql(await databaseUrl(first, app), `CREATE TABLE bench (app text); INSERT INTO bench VALUES ('${app}')`);
      const capture = await cli(first, ['pg:backups:capture', '-a', app], { timeoutMs: 120_000 });
      if (capture.code !== 0) throw new Error(`pg:backups:capture ${app}: ${capture.stderr}`);
    }
    const setupSeconds = seconds(setupStart);
    const dataDirBytes = await bytesOf(first.dataDir);
    const file = join(work, 'berth.tar.gz');
    const backupStart = performance.now();
    await berthCli(['admin:backup', file, '--data-dir', first.dataDir]);
    const backupSeconds = seconds(backupStart);
    const archiveBytes = (await stat(file)).size;
    await shutDown(first);
    first = undefined;
    const dataDir = join(work, 'restored');
    const restoreStart = performance.now();
    await berthCli(['admin:restore', file, '--data-dir', dataDir]);
    const restoreSeconds = seconds(restoreStart);
    const upStart = performance.now();
    second = await startBerth({ dataDir, timeoutMs: 120_000 });
    const upSeconds = seconds(upStart);
    await allServing(second, apps);
    const servingSeconds = seconds(upStart);
    await allDataBack(second, apps.slice(0, PG));
    const dataSeconds = seconds(upStart);
    process.stdout.write(`${JSON.stringify({
      bench: 'berth-backup',
      apps: APPS,
      data_dir_bytes: dataDirBytes,
      restored_bytes: await bytesOf(dataDir),
      archive_bytes: archiveBytes,
      setup_seconds: setupSeconds,
      backup_seconds: backupSeconds,
      restore_seconds: restoreSeconds,
      up_to_banner_seconds: upSeconds,
      up_to_all_serving_seconds: servingSeconds,
      pg_addons: PG,
      up_to_all_addon_data_back_seconds: PG > 0 ? dataSeconds : null,
      load: load(),
    }, null, 2)}\n`);
  } finally {
    await shutDown(second);
    await shutDown(first);
    for (const repo of repos) await repo.remove().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
