/**
 * Postgres transfers (backups, restores, copies) and daily backup schedules as the store hands
 * them out, and their repositories. Timestamps are ISO-8601 in UTC. A transfer belongs to the
 * app that owns the add-on (its billing app); its number is the app's (b001, r002, … share one
 * sequence, as on Heroku). Add-ons are referenced by id without a foreign key: a backup outlives
 * the add-on it was taken from.
 */
import type { TransferKind } from '../core/pg-transfers.js';

export interface TransferLogLine {
  createdAt: string;
  message: string;
}

export interface PgTransfer {
  id: string;
  appId: string;
  num: number;
  kind: TransferKind;
  /** The schedule that made this backup (`a001`), else null (`b001`). */
  scheduleId: string | null;
  fromAddonId: string | null;
  /** Heroku's `from_name`: the attachment or add-on name, e.g. `DATABASE` or `BACKUP b001`. */
  fromName: string;
  /** `pg_dump` (a database) or `gof3r` (a stored backup), as in Heroku's transfers. */
  fromType: string;
  toAddonId: string | null;
  toName: string;
  /** `gof3r` (stored as a backup) or `pg_restore` (into a database). */
  toType: string;
  /** For a restore: the backup restored. */
  backupId: string | null;
  /** For a backup: the blob holding the `pg_dump -Fc` file. */
  blobKey: string | null;
  sourceBytes: number;
  processedBytes: number;
  warnings: number;
  /** null while pending or running. */
  succeeded: boolean | null;
  /** Why it failed, in a sentence. */
  error: string | null;
  logs: TransferLogLine[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  canceledAt: string | null;
  updatedAt: string;
}

export type NewPgTransfer = Pick<PgTransfer, 'appId' | 'kind' | 'fromAddonId' | 'fromName' | 'fromType' | 'toAddonId' | 'toName' | 'toType'> &
  Partial<Pick<PgTransfer, 'scheduleId' | 'backupId' | 'blobKey'>>;

export interface PgTransferOutcome {
  succeeded: boolean;
  sourceBytes?: number;
  processedBytes: number;
  warnings: number;
  error?: string | null;
  logs: TransferLogLine[];
}

export interface PgTransferRepository {
  /** Gives the transfer the app's next number (under the app lock). */
  create(input: NewPgTransfer): Promise<PgTransfer>;
  /** The app's transfers that were not deleted, by number. */
  list(appId: string): Promise<PgTransfer[]>;
  findByNum(appId: string, num: number): Promise<PgTransfer | undefined>;
  findById(id: string): Promise<PgTransfer | undefined>;
  start(id: string): Promise<PgTransfer>;
  progress(id: string, processedBytes: number, logs: TransferLogLine[]): Promise<void>;
  /** Ends a running or pending transfer; a finished one stays as it is (returns it unchanged). */
  finish(id: string, outcome: PgTransferOutcome): Promise<PgTransfer>;
  markCanceled(id: string): Promise<void>;
  /** Hides it from lists; its number is never reused. */
  markDeleted(id: string): Promise<void>;
  /** Transfers of every app that never finished (left behind by a control plane that stopped). */
  listUnfinished(): Promise<PgTransfer[]>;
}

export interface PgBackupSchedule {
  id: string;
  appId: string;
  addonId: string;
  /** Heroku's schedule name: the attachment's config var, e.g. `DATABASE_URL`. */
  name: string;
  hour: number;
  timezone: string;
  retainDaily: number;
  retainWeekly: number;
  /** When the control plane runs it next; persisted so a restart keeps the timer. */
  nextRunAt: string;
  createdAt: string;
  updatedAt: string;
}

export type NewPgBackupSchedule = Pick<PgBackupSchedule, 'appId' | 'addonId' | 'name' | 'hour' | 'timezone' | 'retainDaily' | 'retainWeekly' | 'nextRunAt'>;

export interface PgBackupScheduleRepository {
  /** One schedule per add-on: a second call replaces the first. */
  put(input: NewPgBackupSchedule): Promise<PgBackupSchedule>;
  listForAddon(addonId: string): Promise<PgBackupSchedule[]>;
  findById(id: string): Promise<PgBackupSchedule | undefined>;
  /** Schedules whose next run is at or before `now`. */
  listDue(now: string): Promise<PgBackupSchedule[]>;
  /** The earliest next run of all, for the timer. */
  nextDue(): Promise<string | undefined>;
  setNextRun(id: string, nextRunAt: string): Promise<void>;
  delete(id: string): Promise<boolean>;
}
