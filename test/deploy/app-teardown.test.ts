// Destroying an app removes every file it owned: unpacked slugs, build cache, git repository,
// log history, build output and the Postgres backups of its add-ons, with the real store and
// blob store. The app has no build or dyno here (spine-destroy covers those end to end), so its
// build service, dyno manager and route sync are the ones of an idle host.
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AppDiskPaths } from '../../src/deploy/app-disk-paths.js';
import { AppTeardown } from '../../src/deploy/app-teardown.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { deploy, newApp } from '../api/deploy-helpers.js';

let api: ApiHarness;
let dev: { key: string };
let dataDir: string;

before(async () => {
  api = await startApi();
  dev = await api.createUser('teardown@example.com');
  dataDir = await mkdtemp(join(tmpdir(), 'berth-teardown-'));
});
after(async () => {
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

const exists = (path: string) => access(path).then(() => true, () => false);

async function fill(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'x');
}

describe('destroying an app', () => {
  it('removes its Postgres backups, slug dirs, cache, repository, log history and output, and nothing of another app', async () => {
    const paths = new AppDiskPaths(dataDir);
    const app = await newApp(api, dev.key, 'doomed');
    const other = await newApp(api, dev.key, 'neighbour');
    const slugId = (await deploy(api, dev.key, app.name, { commit: 'c1' })).slug?.id as string;
    const release = (await api.store.releases.slugReferences(app.id))[0]?.id as string;
    const owned = [join(paths.slugDir(slugId), 'app', 'server.js'), join(paths.cacheDir(app.id), 'node_modules'), join(paths.repoDir(app.id), 'HEAD'), paths.logFile(app.id), paths.outputFile('release', release)];
    for (const file of owned) await fill(file);
    const backups = ['b001.dump', 'b002.dump'].map((name) => `${paths.backupsPrefix(app.id)}/${name}`);
    for (const key of backups) await api.blobs.put(key, Readable.from([Buffer.from('PGDMP')]));
    const neighbours = `${paths.backupsPrefix(other.id)}/b001.dump`;
    await api.blobs.put(neighbours, Readable.from([Buffer.from('PGDMP')]));
    await fill(paths.cacheDir(other.id) + '/kept');

    const logged: Record<string, unknown>[] = [];
    const teardown = new AppTeardown({
      store: api.store,
      blobs: api.blobs,
      builds: { cancelApp: async () => {} },
      manager: { kick: () => {}, list: () => [] },
      routes: { push: async () => {} },
      paths,
      dynoStopWaitMs: 1_000,
      log: (event) => logged.push(event),
    });
    const found = await api.store.apps.findById(app.id);
    await teardown.destroy(found!, async () => void (await api.store.apps.delete(app.id)));
    await teardown.idle();

    for (const file of owned) assert.equal(await exists(file), false, `${file} was removed`);
    for (const key of backups) assert.equal(await api.blobs.exists(key), false, `${key} was removed`);
    assert.equal(await exists(api.blobs.path(paths.backupsPrefix(app.id))), false, 'the app\'s backup folder is gone');
    assert.equal(await api.blobs.exists(neighbours), true, 'another app keeps its backups');
    assert.equal(await exists(paths.cacheDir(other.id) + '/kept'), true, 'another app keeps its cache');
    const done = logged.find((e) => e.msg === 'destroyed app files');
    assert.ok(done && Number(done.freed_bytes) > 0, JSON.stringify(logged));
  });
});
