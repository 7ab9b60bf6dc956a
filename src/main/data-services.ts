/**
 * The data API's port (src/api/data-port.ts) for the control plane: add-ons from the add-on
 * directory (the framework's store), live facts read over each add-on's own URL, credential
 * rotation and reset from the Postgres provider, transfers through PgTransferService and
 * schedules through PgBackupScheduler.
 */
import type { DataAddon, DataPort, PostgresFacts, RedisFacts, TransferEndpoints } from '../api/data-port.js';
import { readPgFacts } from '../addons/pg-facts.js';
import { readRedisFacts, setRedisMaxmemoryPolicy } from '../addons/redis-facts.js';
import { PlatformError } from '../core/errors.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import type { PgTransfer } from '../store/port.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Store } from '../store/port.js';
import { PgBackupScheduler } from './pg-backup-scheduler.js';
import { PgTransferService } from './pg-transfer-service.js';

/** Where add-ons come from (the add-on framework's store). */
export interface AddonDirectory {
  findAddon(idOrName: string): Promise<DataAddon | undefined>;
  findAddonByUrl(url: string): Promise<DataAddon | undefined>;
  listForApp(appId: string): Promise<DataAddon[]>;
}

/** What only the providers can do (they hold the admin connection). */
export interface DataProviderHooks {
  rotateCredentials?(addon: DataAddon): Promise<void>;
  resetDatabase?(addon: DataAddon): Promise<void>;
  postgresFacts?(addon: DataAddon): Promise<PostgresFacts>;
  setRedisMaxmemoryPolicy?(addon: DataAddon, policy: string): Promise<void>;
  redisFacts?(addon: DataAddon): Promise<RedisFacts>;
}

/** No add-ons at all: the data API answers 404 for every database. */
export const NO_ADDONS: AddonDirectory = {
  findAddon: async () => undefined,
  findAddonByUrl: async () => undefined,
  listForApp: async () => [],
};

function unavailable(what: string): never {
  throw new PlatformError('service_unavailable', `${what} is not available on this Berth: no provider for it is configured.`);
}

function url(addon: DataAddon): string {
  const value = addon.config.URL;
  if (!value) throw new PlatformError('invalid_params', `${addon.name} has no URL yet.`);
  return value;
}

export class DataServices implements DataPort {
  constructor(
    private readonly directory: AddonDirectory,
    private readonly transfers: PgTransferService,
    private readonly scheduler: PgBackupScheduler | undefined,
    private hookSource: () => DataProviderHooks = () => ({}),
  ) {}

  /** Asks `source` for the providers' rotation, reset and facts on every call from now on (see provider-hooks.ts). */
  useProviders(source: () => DataProviderHooks): void {
    this.hookSource = source;
  }

  private get hooks(): DataProviderHooks {
    return this.hookSource();
  }

  findAddon(idOrName: string): Promise<DataAddon | undefined> {
    return this.directory.findAddon(idOrName);
  }

  findAddonByUrl(url: string): Promise<DataAddon | undefined> {
    return this.directory.findAddonByUrl(url);
  }

  listForApp(appId: string): Promise<DataAddon[]> {
    return this.directory.listForApp(appId);
  }

  async postgresFacts(addon: DataAddon): Promise<PostgresFacts> {
    if (this.hooks.postgresFacts) return this.hooks.postgresFacts(addon);
    return { ...(await readPgFacts(url(addon))), storageLimitBytes: null };
  }

  redisFacts(addon: DataAddon): Promise<RedisFacts> {
    if (this.hooks.redisFacts) return this.hooks.redisFacts(addon);
    return readRedisFacts(url(addon));
  }

  setRedisMaxmemoryPolicy(addon: DataAddon, policy: string): Promise<void> {
    if (this.hooks.setRedisMaxmemoryPolicy) return this.hooks.setRedisMaxmemoryPolicy(addon, policy);
    return setRedisMaxmemoryPolicy(url(addon), policy);
  }

  rotateCredentials(addon: DataAddon): Promise<void> {
    return this.hooks.rotateCredentials ? this.hooks.rotateCredentials(addon) : unavailable('Credential rotation');
  }

  resetDatabase(addon: DataAddon): Promise<void> {
    return this.hooks.resetDatabase ? this.hooks.resetDatabase(addon) : unavailable('Database reset');
  }

  startTransfer(transfer: PgTransfer, endpoints: TransferEndpoints): void {
    this.transfers.start(transfer, endpoints);
  }

  cancelTransfer(transferId: string): boolean {
    return this.transfers.cancel(transferId);
  }

  /** The transfer once it finished; undefined when it is not running in this process. */
  transferFinished(transferId: string): Promise<PgTransfer> | undefined {
    return this.transfers.finished(transferId);
  }

  schedulesChanged(): void {
    void this.scheduler?.changed();
  }
}

/**
 * Starts the data services of a control plane: fails transfers a previous one left running,
 * starts the backup timer (it runs what came due while Berth was down) and returns the port
 * and a clean stop.
 */
export async function startDataServices(options: {
  store: Store;
  blobs: BlobStore;
  directory: AddonDirectory;
  log(event: Record<string, unknown>): void;
  /** The guard for sources outside Berth (pg:copy from a URL); without one, a guard with no allowance. */
  egress?: EgressGuard;
}): Promise<{ data: DataServices; stop(): Promise<void> }> {
  const transfers = new PgTransferService({ store: options.store, blobs: options.blobs, log: options.log, ...(options.egress ? { egress: options.egress } : {}) });
  const failed = await transfers.recover();
  if (failed > 0) options.log({ at: 'warn', msg: 'marked pg transfers left by a stopped control plane as failed', transfers: failed });
  const scheduler = new PgBackupScheduler({ store: options.store, blobs: options.blobs, transfers, findAddon: (id) => options.directory.findAddon(id), log: options.log });
  await scheduler.start();
  return {
    data: new DataServices(options.directory, transfers, scheduler),
    async stop() {
      scheduler.stop();
      await transfers.stop();
    },
  };
}
