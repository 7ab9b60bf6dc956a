/**
 * What the data API (`pg:*`, `redis:*`: Heroku's `/client/v11`, `/postgres/v0`, `/redis/v0`)
 * needs from the rest of Berth: the add-ons with their attachments and config, the servers'
 * live facts, credential rotation and reset (the providers), and the transfer runner (backups,
 * restores, copies). Implemented in the composition root.
 */
import type { PgTransfer } from '../store/port.js';

/** An add-on as the data API sees it (the framework's Addon plus its attachments). */
export interface DataAddon {
  id: string;
  /** The billing app. */
  appId: string;
  name: string;
  /** `heroku-postgresql`, `heroku-redis`. */
  service: string;
  /** The plan's short name (`essential-0`). */
  plan: string;
  state: string;
  /** The provider's id of the resource, once known. */
  providerId: string | null;
  /** Config suffix → value (`URL` → `postgres://…`). */
  config: Record<string, string>;
  createdAt: string;
  attachments: Array<{ id: string; appId: string; name: string }>;
}

/** `pg:info`'s facts about one Postgres add-on's database. */
export interface PostgresFacts {
  serverVersion: string;
  dataSizeBytes: number;
  storageLimitBytes: number | null;
  tables: number;
  connections: number;
  connectionLimit: number | null;
}

/** `redis:info`'s facts: a few fields of the server's INFO and its memory policy. */
export interface RedisFacts {
  version: string;
  maxmemoryBytes: number;
  maxmemoryPolicy: string;
  usedMemoryBytes: number;
  connectedClients: number;
}

/** Where a transfer reads and writes: database URLs (backups go to the blob named in the transfer). */
export interface TransferEndpoints {
  fromUrl?: string;
  toUrl?: string;
  /** The source is a URL a tenant gave (pg:copy from outside Berth): connected to through the egress guard only. */
  fromOutside?: boolean;
}

export interface DataPort {
  findAddon(idOrName: string): Promise<DataAddon | undefined>;
  /** The live add-on whose config URL is exactly `url` (the official CLI's pg:copy names its source by URL). */
  findAddonByUrl(url: string): Promise<DataAddon | undefined>;
  /** Add-ons attached to the app (its own and shared ones), oldest first. */
  listForApp(appId: string): Promise<DataAddon[]>;
  /** Throws PlatformError when the server does not answer. */
  postgresFacts(addon: DataAddon): Promise<PostgresFacts>;
  redisFacts(addon: DataAddon): Promise<RedisFacts>;
  setRedisMaxmemoryPolicy(addon: DataAddon, policy: string): Promise<void>;
  /** New password, a release on every attached app, the old one revoked after the roll. */
  rotateCredentials(addon: DataAddon): Promise<void>;
  /** Drops everything in the database; credentials stay. */
  resetDatabase(addon: DataAddon): Promise<void>;
  /**
   * Runs a transfer the API just created, in the background: it starts it, reports progress
   * and finishes it in the store, whatever happens (never leaves it running).
   */
  startTransfer(transfer: PgTransfer, endpoints: TransferEndpoints): void;
  /** Stops a running transfer; false when it is not running here. */
  cancelTransfer(transferId: string): boolean;
  /** A backup schedule was added, changed or removed: the scheduler re-reads its next run. */
  schedulesChanged(): void;
}
