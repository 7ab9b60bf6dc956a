import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { access, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AppDiskPaths } from '../../src/deploy/app-disk-paths.js';
import { DiskCollector, type DiskCollectorDeps } from '../../src/deploy/disk-collector.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { deploy, newApp, setConfig, uploadSlug, type ReleaseJson, type SlugJson } from '../api/deploy-helpers.js';
import { expectError, expectJson, jsonBody } from '../api/helpers.js';
import { waitFor } from '../support/wait.js';

let api: ApiHarness;
let dev: { key: string };
let dataDir: string;
let paths: AppDiskPaths;
const logged: Record<string, unknown>[] = [];
const forgotten: string[] = [];

before(async () => {
  api = await startApi();
  dev = await api.createUser('disk@example.com');
  dataDir = await mkdtemp(join(tmpdir(), 'berth-disk-'));
  paths = new AppDiskPaths(dataDir);
});
after(async () => {
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A real collector over the API harness's store and blobs, with the data dir of this test. */
function collector(overrides: Partial<DiskCollectorDeps> = {}): DiskCollector {
  return new DiskCollector({
    store: api.store,
    blobs: api.blobs,
    paths,
    budgetBytes: 1024 ** 4,
    keepReleases: 2,
    liveReleaseIds: () => new Set(),
    forgetApp: async (appId) => void forgotten.push(appId),
    log: (event) => logged.push(event),
    slugDirGraceMs: 0,
    ...overrides,
  });
}

const exists = (path: string) => access(path).then(() => true, () => false);

async function fill(dir: string, bytes: number, mtime?: Date): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'data'), Buffer.alloc(bytes, 1));
  if (mtime) await utimes(dir, mtime, mtime);
}

async function releases(app: string): Promise<ReleaseJson[]> {
  return expectJson<ReleaseJson[]>(await api.request(`/apps/${app}/releases`, { key: dev.key }), 200);
}

async function slugJson(app: string, id: string): Promise<SlugJson & { deleted_at: string | null }> {
  return expectJson(await api.request(`/apps/${app}/slugs/${id}`, { key: dev.key }), 200);
}

describe('garbage collection of old slugs', () => {
  let app: { id: string; name: string };
  const slugOf: Record<number, string> = {};

  before(async () => {
    app = await newApp(api, dev.key, 'gc');
    for (let v = 2; v <= 5; v++) slugOf[v] = (await deploy(api, dev.key, app.name, { commit: `c${v}` })).slug?.id as string;
    await setConfig(api, dev.key, app.name, { SIX: '6' }); // v6 runs v5's slug
  });

  it('deletes the slugs older than the last 2 releases from the blob store and marks them, keeping the current one', async () => {
    const before = await Promise.all([2, 3, 4, 5].map(async (v) => api.blobs.exists((await api.store.slugs.findById(slugOf[v] as string))?.blobKey as string)));
    assert.deepEqual(before, [true, true, true, true]);
    const result = await collector().collect();
    assert.equal(result.prunedSlugs, 3);
    for (const v of [2, 3, 4]) {
      const slug = await api.store.slugs.findById(slugOf[v] as string);
      assert.equal(await api.blobs.exists(slug?.blobKey as string), false, `v${v}'s slug tarball is gone`);
      assert.ok((await slugJson(app.name, slugOf[v] as string)).deleted_at, `v${v}'s slug says when it was deleted`);
    }
    const kept = await api.store.slugs.findById(slugOf[5] as string);
    assert.equal(await api.blobs.exists(kept?.blobKey as string), true, 'the slug of v5 and v6 (current) stays');
    assert.equal((await slugJson(app.name, slugOf[5] as string)).deleted_at, null);
    assert.ok(logged.some((e) => e.msg === 'disk gc' && e.pruned_slugs === 3), JSON.stringify(logged));
  });

  it('makes releases whose slug is gone ineligible for rollback, and a rollback to one says why', async () => {
    const eligible = new Map((await releases(app.name)).map((r) => [r.version, r.eligible_for_rollback]));
    assert.deepEqual([2, 3, 4, 5, 6].map((v) => eligible.get(v)), [false, false, false, true, true]);
    const refused = await expectError(await api.request(`/apps/${app.name}/releases`, { key: dev.key, method: 'POST', body: jsonBody({ release: 'v3' }) }), 422, 'invalid_params');
    assert.match(refused.message, /Cannot roll back to v3: its slug was garbage-collected/);
    const redeploy = await expectError(await api.request(`/apps/${app.name}/releases`, { key: dev.key, method: 'POST', body: jsonBody({ slug: slugOf[2] }) }), 422, 'invalid_params');
    assert.match(redeploy.message, /garbage-collected/);
    await expectJson(await api.request(`/apps/${app.name}/releases`, { key: dev.key, method: 'POST', body: jsonBody({ release: 'v5' }) }), 201);
  });

  it('removes unpacked slug dirs no release uses and keeps the current release\'s', async () => {
    for (const v of [2, 5]) await fill(paths.slugDir(slugOf[v] as string), 4096);
    await fill(paths.slugDir(randomUUID()), 4096);
    const result = await collector().collect();
    assert.equal(result.removedSlugDirs, 2, 'v2\'s slug dir and one of no slug at all');
    assert.equal(await exists(paths.slugDir(slugOf[2] as string)), false);
    assert.equal(await exists(paths.slugDir(slugOf[5] as string)), true);
  });

  it('keeps an uploaded slug no release uses yet for an hour, then deletes it', async () => {
    const fresh = await uploadSlug(api, dev.key, app.name);
    await collector().collect();
    assert.equal((await slugJson(app.name, fresh.id)).deleted_at, null, 'young: it may be about to be released');
    await collector({ now: () => Date.now() + 2 * 3_600_000 }).collect();
    assert.ok((await slugJson(app.name, fresh.id)).deleted_at, 'an hour later nothing released it: it goes');
  });
});

describe('garbage collection under a disk budget', () => {
  it('drops build caches least recently used first until the usage fits, and nothing else', async () => {
    const older = await newApp(api, dev.key, 'cache-old');
    const newer = await newApp(api, dev.key, 'cache-new');
    await fill(paths.cacheDir(older.id), 300 * 1024, new Date(Date.now() - 86_400_000));
    await fill(paths.cacheDir(newer.id), 300 * 1024, new Date(Date.now() - 60_000));
    const measured = await collector().collect();
    assert.equal(measured.droppedCaches, 0, 'within a large budget nothing is dropped');
    const tight = await collector({ budgetBytes: measured.usedBytes - 1 }).collect();
    assert.equal(tight.droppedCaches, 1);
    assert.equal(await exists(paths.cacheDir(older.id)), false, 'the least recently used cache went');
    assert.equal(await exists(paths.cacheDir(newer.id)), true, 'the other one was not needed to fit');
    assert.ok(tight.usedBytes <= measured.usedBytes - 1, `usage ${tight.usedBytes} fits the budget`);
    assert.ok(logged.some((e) => e.app_id === older.id && /dropped a build cache/.test(String(e.msg))));
  });

  it('removes the caches, repositories, log histories and Postgres backups of apps that no longer exist', async () => {
    const gone = randomUUID();
    await fill(paths.cacheDir(gone), 1024);
    await fill(paths.repoDir(gone), 1024);
    await mkdir(join(dataDir, 'logs'), { recursive: true });
    await writeFile(paths.logFile(gone), '[1,0,"app","web.1","bye"]\n');
    await api.blobs.put(`${paths.backupsPrefix(gone)}/late.dump`, Readable.from([Buffer.from('a backup that finished after its app was destroyed')]));
    const live = await newApp(api, dev.key, 'backs-up');
    await api.blobs.put(`${paths.backupsPrefix(live.id)}/b001.dump`, Readable.from([Buffer.from('kept')]));
    const result = await collector().collect();
    assert.equal(result.removedOrphans, 4);
    for (const path of [paths.cacheDir(gone), paths.repoDir(gone), paths.logFile(gone), api.blobs.path(paths.backupsPrefix(gone))]) assert.equal(await exists(path), false, path);
    assert.equal(await api.blobs.exists(`${paths.backupsPrefix(live.id)}/b001.dump`), true, 'a live app keeps its backups');
    assert.ok(forgotten.includes(gone), 'the agent was asked to drop its log channel');
  });
});

describe('GET /admin/disk', () => {
  it('answers 403 to an account that is not an admin', async () => {
    const error = await expectError(await api.request('/admin/disk', { key: dev.key }), 403, 'forbidden');
    assert.match(error.message, /admin/);
  });

  it('shows an admin the usage of every app by kind, totals and the budget', async () => {
    const app = await newApp(api, dev.key, 'usage');
    await deploy(api, dev.key, app.name);
    const disk = await expectJson<{
      apps: Array<{ app: { name: string }; slugs_bytes: number; total_bytes: number }>;
      totals: { total_bytes: number; slugs_bytes: number };
      budget_bytes: number;
      keep_releases: number;
      filesystem: { size_bytes: number; free_bytes: number };
    }>(await api.request('/admin/disk', { key: api.adminKey }), 200);
    const row = disk.apps.find((a) => a.app.name === app.name);
    assert.ok(row && row.slugs_bytes > 0 && row.total_bytes >= row.slugs_bytes, JSON.stringify(row));
    assert.equal(disk.totals.total_bytes, disk.apps.reduce((sum, a) => sum + a.total_bytes, 0));
    assert.equal(disk.budget_bytes, 64 * 1024 * 1024);
    assert.equal(disk.keep_releases, 10);
    assert.ok(disk.filesystem.size_bytes >= disk.filesystem.free_bytes && disk.filesystem.free_bytes > 0);
  });
});

describe('garbage collection of a slug promoted to another app', () => {
  it("keeps the slug while the target runs it, with the target's own unpacked copy, and removes copies nobody runs", async () => {
    const source = await newApp(api, dev.key, 'gcsrc');
    const target = await newApp(api, dev.key, 'gcdst');
    const pipeline = await expectJson<{ id: string }>(await api.request('/pipelines', { key: dev.key, method: 'POST', body: jsonBody({ name: `gc-${source.name.slice(-8)}` }) }), 201);
    for (const [app, stage] of [[source, 'staging'], [target, 'production']] as const) {
      await expectJson(await api.request('/pipeline-couplings', { key: dev.key, method: 'POST', body: jsonBody({ app: app.id, pipeline: pipeline.id, stage }) }), 201);
    }
    const promoted = (await deploy(api, dev.key, source.name, { commit: 'p1' })).slug?.id as string;
    const promotion = await expectJson<{ id: string }>(
      await api.request('/pipeline-promotions', { key: dev.key, method: 'POST', body: jsonBody({ pipeline: { id: pipeline.id }, source: { app: { id: source.id } }, targets: [{ app: { id: target.id } }] }) }),
      201,
    );
    await waitForPromotion(promotion.id);
    for (let i = 0; i < 3; i++) await deploy(api, dev.key, source.name, { commit: `p${i + 2}` });
    const targetCopy = join(dataDir, 'slugs', `${promoted}.${target.id}`);
    const strayCopy = join(dataDir, 'slugs', `${randomUUID()}.${randomUUID()}`);
    await fill(targetCopy, 4096);
    await fill(strayCopy, 4096);

    await collector().collect();
    const slug = await api.store.slugs.findById(promoted);
    assert.equal(slug?.prunedAt, null, 'not pruned: the target runs it although the source moved on');
    assert.equal(await api.blobs.exists(slug?.blobKey as string), true);
    assert.equal(await exists(targetCopy), true, "the target's unpacked copy stays");
    assert.equal(await exists(strayCopy), false, 'a copy no release runs goes');
  });
});

async function waitForPromotion(id: string): Promise<void> {
  await waitFor(`promotion ${id} to complete`, async () => (await expectJson<{ status: string }>(await api.request(`/pipeline-promotions/${id}`, { key: dev.key }), 200)).status === 'completed');
}
