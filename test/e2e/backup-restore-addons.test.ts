// Disaster recovery of add-on data: a heroku-postgresql add-on with a pg:backups backup; after
// admin:backup, a lost data dir and admin:restore, the first `up` recreates the database from that
// backup (Berth's PostgreSQL server itself is not in the archive) and apps' DATABASE_URL works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { api, startBerth, testEnv, type BerthProcess } from '../support/berth-process.js';
import { berthCli } from '../support/berth-cli.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { sql } from '../support/pg-query.js';
import { repoRoot } from '../support/repo-root.js';
import { appLogs, createApp } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const admin = (args: string[]) => run(process.execPath, [join(repoRoot(), 'dist', 'src', 'main', 'berth.js'), ...args], { env: testEnv(), timeout: 120_000 });
const databaseUrl = async (berth: BerthProcess, app: string) => (await api(berth, `/apps/${app}/config-vars`)).body.DATABASE_URL as string;

describe('admin:restore brings add-on data back from its last backup', () => {
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  let work: string;
  const app = `bk-data-${suffix()}`;
  let oldUrl: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-e2e-backup-addons-'));
    first = await startBerth();
    await createApp(first, app);
    const created = await berthCli(first, ['addons:create', 'heroku-postgresql:essential-0', '-a', app], { timeoutMs: 90_000 });
    assert.equal(created.code, 0, created.stdout + created.stderr);
    const url = await databaseUrl(first, app);
    oldUrl = url;
    await sql(url, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('in the backup')");
    const capture = await berthCli(first, ['pg:backups:capture', '-a', app], { timeoutMs: 90_000 });
    assert.equal(capture.code, 0, capture.stdout + capture.stderr);
    await sql(url, "INSERT INTO notes VALUES ('written after the backup')");
  });
  after(async () => {
    const left = [...(await shutDown(second)), ...(await shutDown(first))];
    await rm(work, { recursive: true, force: true });
    assert.deepEqual(left, [], 'nothing of either Berth outlives the test');
  });

  it('recreates the database on the first start after the restore, with the rows of the newest backup', async () => {
    const running = first!;
    const file = join(work, 'berth.tar.gz');
    await admin(['admin:backup', file, '--data-dir', running.dataDir]);
    assert.deepEqual(await shutDown(running), []);
    first = undefined;
    assert.equal(await stat(running.dataDir).catch(() => undefined), undefined, 'the old data dir is gone');
    const dataDir = join(work, 'restored');
    const restored = await admin(['admin:restore', file, '--data-dir', dataDir]);
    assert.match(restored.stdout, /recreated from its newest pg:backups backup/);
    second = await startBerth({ dataDir });
    const berth = second;
    const rows = await waitFor('the restored rows through DATABASE_URL', async () => {
      const url = await databaseUrl(berth, app);
      return sql<{ body: string }>(url, 'SELECT body FROM notes ORDER BY body').catch(() => undefined);
    }, 90_000);
    assert.deepEqual(rows.map((r) => r.body), ['in the backup'], 'the backup, not what was written after it');
    assert.equal(await stat(join(dataDir, 'restore-addon-data.pending')).catch(() => undefined), undefined, 'done once: the marker is gone');
    // The new server listens on a port of its own: the URL moved with a release, same role and database.
    const [before, after] = [new URL(oldUrl), new URL(await databaseUrl(berth, app))];
    assert.deepEqual([after.username, after.password, after.pathname], [before.username, before.password, before.pathname]);
    if (after.host !== before.host) assert.match(await appLogs(berth, app), /Update \S+ after restoring Berth from a backup/);
  });
});
