/**
 * ScheduledBackups: `bin/berth up --backup-dir DIR --backup-keep N` takes a backup of Berth itself
 * (the same archive as `admin:backup DIR --keep N`) once a day and keeps the newest N. The last
 * run is read from the newest file's name, so a restart loses nothing: a backup that fell due while
 * Berth was down runs once, shortly after start. A failed run is logged and retried an hour later.
 */
import type { Timers } from '../core/timers.js';
import { backupIntoDir, newestBackupAt } from './admin-backup.js';

export interface ScheduledBackupsOptions {
  dir: string;
  keep: number;
  dataDir: string;
  databaseUrl?: string;
  /** Between backups (default a day). */
  everyMs?: number;
  /** The first backup of a directory that has none waits this long after start (default a minute, at most everyMs). */
  firstDelayMs?: number;
  timers: Pick<Timers, 'after'>;
  now(): Date;
  log(event: Record<string, unknown>): void;
}

const DAY_MS = 24 * 3_600_000;
const RETRY_MS = 3_600_000;

export class ScheduledBackups {
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly everyMs: number;

  constructor(private readonly options: ScheduledBackupsOptions) {
    this.everyMs = options.everyMs ?? DAY_MS;
  }

  /** Schedules the next backup from the newest one in the directory. */
  async start(): Promise<void> {
    const last = await newestBackupAt(this.options.dir);
    const now = this.options.now().getTime();
    const firstDelay = Math.min(this.options.firstDelayMs ?? 60_000, this.everyMs);
    const due = last === undefined ? now + firstDelay : Math.max(last.getTime() + this.everyMs, now + Math.min(firstDelay, 1_000));
    this.schedule(due - now);
  }

  /** Cancels the timer and waits for a backup that is being written. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  private schedule(inMs: number): void {
    if (this.stopped) return;
    this.cancel?.();
    this.cancel = this.options.timers.after(Math.max(0, inMs), () => {
      this.running = this.run().finally(() => (this.running = undefined));
    });
  }

  private async run(): Promise<void> {
    const { dir, keep, dataDir, databaseUrl } = this.options;
    try {
      const done = await backupIntoDir({ dir, keep, dataDir, ...(databaseUrl ? { databaseUrl } : {}), now: this.options.now() });
      this.options.log({ at: 'info', event: 'admin_backup', file: done.file, bytes: done.bytes, deleted: done.deleted });
      this.schedule(this.everyMs);
    } catch (err) {
      this.options.log({ at: 'error', event: 'admin_backup', dir, error: err instanceof Error ? err.message : String(err) });
      this.schedule(Math.min(RETRY_MS, this.everyMs));
    }
  }
}
