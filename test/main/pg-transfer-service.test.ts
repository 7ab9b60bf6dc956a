import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { PgTransferService } from '../../src/main/pg-transfer-service.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';

let dir: string;
let store: KyselyStore;
let blobs: LocalBlobStore;
let appId: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-pgtransfers-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
  blobs = new LocalBlobStore(join(dir, 'blobs'));
  const owner = await store.accounts.create({ email: 'transfers@example.com', passwordHash: null });
  appId = (await store.apps.create({ name: 'transfer-app', ownerId: owner.id, region: 'local', stack: 'heroku-24' })).id;
});

after(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the transfer service', () => {
  it('marks transfers a stopped control plane left running as failed, and removes a half-written backup', async () => {
    const key = `pg-backups/${appId}/left.dump`;
    const left = await store.pgTransfers.create({ appId, kind: 'backup', fromAddonId: null, fromName: 'DATABASE', fromType: 'pg_dump', toAddonId: null, toName: 'BACKUP', toType: 'gof3r', blobKey: key });
    await store.pgTransfers.start(left.id);
    await blobs.put(key, Readable.from([Buffer.from('PGDMP partial')]));
    const service = new PgTransferService({ store, blobs, log: () => {} });
    assert.equal(await service.recover(), 1);
    const failed = await store.pgTransfers.findById(left.id);
    assert.equal(failed?.succeeded, false);
    assert.match(failed?.error ?? '', /Berth stopped while this transfer ran/);
    assert.equal(await blobs.exists(key), false);
    assert.equal(await service.recover(), 0, 'nothing is left to recover');
  });

  it('fails a restore whose backup file is missing from the blob store, saying so', async () => {
    const backup = await store.pgTransfers.create({ appId, kind: 'backup', fromAddonId: null, fromName: 'DATABASE', fromType: 'pg_dump', toAddonId: null, toName: 'BACKUP', toType: 'gof3r', blobKey: `pg-backups/${appId}/gone.dump` });
    await store.pgTransfers.finish(backup.id, { succeeded: true, processedBytes: 10, warnings: 0, logs: [] });
    const restore = await store.pgTransfers.create({ appId, kind: 'restore', fromAddonId: null, fromName: 'BACKUP 1', fromType: 'gof3r', toAddonId: null, toName: 'DATABASE', toType: 'pg_restore', backupId: backup.id });
    const service = new PgTransferService({ store, blobs, log: () => {} });
    service.start(restore, { toUrl: 'postgres://u:p@127.0.0.1:1/nowhere' });
    const done = await service.finished(restore.id);
    assert.equal(done?.succeeded, false);
    assert.match(done?.error ?? '', /The file of backup b\d{3} is missing from the blob store; nothing was restored\./);
  });
});
