/**
 * The add-on half of `admin:restore`: Berth's own PostgreSQL server is not in the archive, so on
 * the first `up` after a restore (admin:restore leaves the marker file RESTORE_MARKER) every
 * heroku-postgresql add-on whose database is missing is created again with the same name, role
 * and password (PostgresProvider.recreate), loaded from its newest successful `pg:backups` backup
 * (in the restored blobs), and, when this server listens elsewhere, its URL is updated (a release
 * on every attached app). Redis add-ons come back empty: Berth keeps no backups of them.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_TRANSFER_TIMEOUT_MS, restoreBackup } from '../addons/pg-transfer-runner.js';
import type { PostgresProvider } from '../addons/postgres-provider.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { AddonConfigSink } from '../core/addon-provider.js';
import type { Store } from '../store/port.js';

/** Written into the data dir by admin:restore; removed once every add-on was handled. */
export const RESTORE_MARKER = 'restore-addon-data.pending';

export interface AddonDataOutcome {
  addon: string;
  /** `restored` from `backup`, `empty` (no backup: created empty), `present` (nothing to do), `failed`. */
  outcome: 'restored' | 'empty' | 'present' | 'failed';
  backup?: string;
  error?: string;
}

export interface RestoreAddonDataDeps {
  dataDir: string;
  store: Store;
  blobs: BlobStore;
  postgres: PostgresProvider;
  sink: Pick<AddonConfigSink, 'updateConfig'>;
  log(event: Record<string, unknown>): void;
}

/** Runs when the marker is there; returns what happened per add-on (none without the marker). */
export async function restoreAddonData(deps: RestoreAddonDataDeps): Promise<AddonDataOutcome[]> {
  const marker = join(deps.dataDir, RESTORE_MARKER);
  if (!(await stat(marker).catch(() => undefined))) return [];
  const outcomes: AddonDataOutcome[] = [];
  const addons = (await deps.store.addons.list({})).filter((a) => a.service === 'heroku-postgresql' && a.state === 'provisioned' && a.config.URL);
  for (const addon of addons) {
    const outcome = await restoreOne(deps, addon).catch((err: unknown): AddonDataOutcome => ({ addon: addon.name, outcome: 'failed', error: err instanceof Error ? err.message : String(err) }));
    deps.log({ at: outcome.outcome === 'failed' ? 'error' : 'info', event: 'restore_addon_data', ...outcome });
    outcomes.push(outcome);
  }
  if (!outcomes.some((o) => o.outcome === 'failed')) await rm(marker, { force: true });
  return outcomes;
}

type Addon = Awaited<ReturnType<Store['addons']['list']>>[number];

async function restoreOne(deps: RestoreAddonDataDeps, addon: Addon): Promise<AddonDataOutcome> {
  const app = await deps.store.apps.findById(addon.appId);
  const resource = { addonId: addon.id, addonName: addon.name, plan: addon.plan, providerId: addon.providerId, appId: addon.appId, appName: app?.name ?? addon.appId };
  const oldUrl = addon.config.URL as string;
  const { created, url } = await deps.postgres.recreate(resource, oldUrl);
  if (!created) return { addon: addon.name, outcome: 'present' };
  const backups = (await deps.store.pgTransfers.list(addon.appId)).filter((t) => t.kind === 'backup' && t.succeeded === true && t.fromAddonId === addon.id && t.blobKey);
  const newest = backups.sort((a, b) => b.num - a.num)[0];
  if (newest?.blobKey) {
    await restoreBackup({
      url,
      source: await deps.blobs.get(newest.blobKey),
      watch: { progress: () => undefined, log: (message) => deps.log({ at: 'info', event: 'restore_addon_data', addon: addon.name, message }) },
      timeoutMs: DEFAULT_TRANSFER_TIMEOUT_MS,
    });
  }
  if (url !== oldUrl) await deps.sink.updateConfig(addon.id, { ...addon.config, URL: url }, `Update ${addon.name} after restoring Berth from a backup`);
  const name = newest ? `${newest.scheduleId ? 'a' : 'b'}${String(newest.num).padStart(3, '0')}` : undefined;
  return name ? { addon: addon.name, outcome: 'restored', backup: name } : { addon: addon.name, outcome: 'empty' };
}
