/**
 * The control plane's backup timer: runs every daily schedule (`pg:backups:schedule`) when its
 * stored next run comes, then expires scheduled backups past the retention (src/core/
 * pg-transfers.ts). The next run lives in the store, so a restart keeps the timer: a schedule
 * whose time passed while Berth was down runs once at start-up, then daily again.
 */
import type { DataAddon } from '../api/data-port.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { backupsToExpire, nextScheduledRun } from '../core/pg-transfers.js';
import type { PgBackupSchedule, PgTransfer, Store } from '../store/port.js';
import type { PgTransferService } from './pg-transfer-service.js';

/** Re-read the store at least this often (a schedule added by another control plane, clock jumps). */
const MAX_SLEEP_MS = 60 * 60 * 1000;

export interface PgBackupSchedulerOptions {
  store: Store;
  blobs: BlobStore;
  transfers: PgTransferService;
  findAddon(id: string): Promise<DataAddon | undefined>;
  log(event: Record<string, unknown>): void;
  now?: () => Date;
}

export class PgBackupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private pass: Promise<void> = Promise.resolve();
  /** Scheduled backups still running, with their retention pass after them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly options: PgBackupSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Runs what is due now and arms the timer for the next one. */
  start(): Promise<void> {
    this.stopped = false;
    return this.changed();
  }

  /** Schedules changed: run what is due and re-arm. Resolves when this pass has started its backups. */
  changed(): Promise<void> {
    this.pass = this.pass.then(() => this.runDue()).catch((err: unknown) => this.options.log({ at: 'error', event: 'pg_backup_schedule_failed', error: (err as Error).stack ?? String(err) }));
    return this.pass;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async runDue(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    for (const schedule of await this.options.store.pgBackupSchedules.listDue(now.toISOString())) {
      await this.runOne(schedule, now);
    }
    await this.arm();
  }

  private async arm(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const next = await this.options.store.pgBackupSchedules.nextDue();
    const wait = next === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(0, Date.parse(next) - this.now().getTime()));
    this.timer = setTimeout(() => void this.changed(), wait);
    this.timer.unref();
  }

  private async runOne(schedule: PgBackupSchedule, now: Date): Promise<void> {
    const { store } = this.options;
    const addon = await this.options.findAddon(schedule.addonId);
    if (!addon || addon.state === 'deprovisioned' || !addon.config.URL) {
      await store.pgBackupSchedules.delete(schedule.id);
      this.options.log({ at: 'info', event: 'pg_backup_schedule_removed', schedule: schedule.id, reason: 'the add-on is gone' });
      return;
    }
    await store.pgBackupSchedules.setNextRun(schedule.id, nextScheduledRun(schedule, now).toISOString());
    const transfer = await store.pgTransfers.create({
      appId: addon.appId,
      kind: 'backup',
      scheduleId: schedule.id,
      fromAddonId: addon.id,
      fromName: schedule.name.replace(/_URL$/, ''),
      fromType: 'pg_dump',
      toAddonId: null,
      toName: 'SCHEDULED BACKUP',
      toType: 'gof3r',
      blobKey: `pg-backups/${addon.appId}/scheduled-${schedule.id}-${now.getTime()}.dump`,
    });
    this.options.transfers.start(transfer, { fromUrl: addon.config.URL });
    this.options.log({ at: 'info', event: 'pg_backup_scheduled_run', schedule: schedule.id, transfer: transfer.id });
    const after = (this.options.transfers.finished(transfer.id) ?? Promise.resolve(transfer))
      .then((done) => (done.succeeded ? this.expire(schedule, addon) : undefined))
      .catch((err: unknown) => this.options.log({ at: 'error', event: 'pg_backup_retention_failed', schedule: schedule.id, error: String(err) }))
      .finally(() => this.inFlight.delete(after));
    this.inFlight.add(after);
  }

  /** Resolves when the current pass and every scheduled backup it started (and its retention) are over. */
  async idle(): Promise<void> {
    await this.pass;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Deletes the add-on's scheduled backups that retention no longer keeps (row and file). */
  async expire(schedule: PgBackupSchedule, addon: DataAddon): Promise<PgTransfer[]> {
    const { store, blobs } = this.options;
    const scheduled = (await store.pgTransfers.list(addon.appId)).filter((t) => t.kind === 'backup' && t.scheduleId !== null && t.fromAddonId === addon.id && t.finishedAt !== null);
    const expired = backupsToExpire(
      scheduled.map((t) => ({ ...t, succeeded: t.succeeded === true })),
      { daily: schedule.retainDaily, weekly: schedule.retainWeekly },
      schedule.timezone,
    );
    for (const t of expired) {
      await store.pgTransfers.markDeleted(t.id);
      if (t.blobKey) await blobs.delete(t.blobKey).catch(() => false);
    }
    return expired.map((t) => scheduled.find((s) => s.id === t.id) as PgTransfer);
  }
}
