/**
 * Runs Postgres transfers (backups, restores, copies) for the control plane: start, progress
 * about once a second, finish in the store — always, whatever fails. The real work is
 * src/addons/pg-transfer-runner.ts; this file owns the bookkeeping, cancellation and recovery of
 * transfers a stopped control plane left running.
 */
import type { TransferEndpoints } from '../api/data-port.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { EgressGuard } from '../egress/egress-guard.js';
import { captureBackup, copyDatabase, DEFAULT_TRANSFER_TIMEOUT_MS, PgTransferError, restoreBackup, type TransferWatch } from '../addons/pg-transfer-runner.js';
import { transferName } from '../core/pg-transfers.js';
import type { PgTransfer, Store, TransferLogLine } from '../store/port.js';

const KEPT_LOG_LINES = 500;
const PROGRESS_EVERY_MS = 1000;

export interface PgTransferServiceOptions {
  store: Store;
  blobs: BlobStore;
  log(event: Record<string, unknown>): void;
  /** Every connection to a source outside Berth (`fromOutside`) goes through it (default: no allowance). */
  egress?: EgressGuard;
  now?: () => Date;
  timeoutMs?: number;
}

interface Running {
  abort: AbortController;
  done: Promise<PgTransfer>;
}

export class PgTransferService {
  private readonly running = new Map<string, Running>();
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly egress: EgressGuard;

  constructor(private readonly options: PgTransferServiceOptions) {
    this.egress = options.egress ?? new EgressGuard();
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
  }

  /** Starts the transfer in the background; `finished(id)` resolves when it is over. */
  start(transfer: PgTransfer, endpoints: TransferEndpoints): void {
    const abort = new AbortController();
    const done = this.run(transfer, endpoints, abort.signal).finally(() => this.running.delete(transfer.id));
    this.running.set(transfer.id, { abort, done });
  }

  cancel(id: string): boolean {
    const running = this.running.get(id);
    running?.abort.abort();
    return running !== undefined;
  }

  /** The transfer as it finished; undefined when it is not running here. */
  finished(id: string): Promise<PgTransfer> | undefined {
    return this.running.get(id)?.done;
  }

  /** Transfers left running by a control plane that stopped can't be resumed: they failed. */
  async recover(): Promise<number> {
    const stale = (await this.options.store.pgTransfers.listUnfinished()).filter((t) => !this.running.has(t.id));
    for (const t of stale) {
      const message = 'Berth stopped while this transfer ran; it did not finish. Start it again.';
      await this.options.store.pgTransfers.finish(t.id, { succeeded: false, processedBytes: t.processedBytes, warnings: 0, error: message, logs: [...t.logs, this.line(message)] });
      if (t.kind === 'backup' && t.blobKey) await this.options.blobs.delete(t.blobKey).catch(() => false);
    }
    return stale.length;
  }

  /** Cancels everything running and waits for the bookkeeping (a clean stop). */
  async stop(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }

  private line(message: string): TransferLogLine {
    return { createdAt: this.now().toISOString(), message };
  }

  private async run(transfer: PgTransfer, endpoints: TransferEndpoints, signal: AbortSignal): Promise<PgTransfer> {
    const { store } = this.options;
    const logs: TransferLogLine[] = [];
    let bytes = 0;
    let dirty = false;
    const watch: TransferWatch = {
      progress: (n) => {
        bytes = n;
        dirty = true;
      },
      log: (message) => {
        logs.push(this.line(message));
        if (logs.length > KEPT_LOG_LINES) logs.splice(0, logs.length - KEPT_LOG_LINES);
        dirty = true;
      },
    };
    const ticker = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      store.pgTransfers.progress(transfer.id, bytes, logs).catch(() => {});
    }, PROGRESS_EVERY_MS);
    const limits = { timeoutMs: this.timeoutMs, signal };
    const label = transferName(transfer.kind, transfer.scheduleId !== null, transfer.num);
    try {
      await store.pgTransfers.start(transfer.id);
      const outcome = await this.work(transfer, endpoints, watch, limits);
      watch.log(`${label} finished: ${outcome.processedBytes} bytes${outcome.warnings ? `, ${outcome.warnings} warnings` : ''}`);
      return await store.pgTransfers.finish(transfer.id, { succeeded: true, ...outcome, logs });
    } catch (err) {
      const known = err instanceof PgTransferError;
      const message = signal.aborted ? `${label} was canceled.` : known ? err.message : `${label} failed: an internal error in Berth (${(err as Error).message}).`;
      if (!known) this.options.log({ at: 'error', event: 'pg_transfer_failed', transfer: transfer.id, error: (err as Error).stack ?? String(err) });
      watch.log(message);
      return await store.pgTransfers.finish(transfer.id, { succeeded: false, processedBytes: bytes, warnings: 0, error: message, logs });
    } finally {
      clearInterval(ticker);
    }
  }

  private async work(
    transfer: PgTransfer,
    endpoints: TransferEndpoints,
    watch: TransferWatch,
    limits: { timeoutMs: number; signal: AbortSignal },
  ): Promise<{ sourceBytes?: number; processedBytes: number; warnings: number }> {
    if (transfer.kind === 'backup') {
      if (!endpoints.fromUrl || !transfer.blobKey) throw new Error('a backup needs a database URL and a blob key');
      const result = await captureBackup({ url: endpoints.fromUrl, blobs: this.options.blobs, key: transfer.blobKey, watch, ...limits });
      return { sourceBytes: result.sourceBytes, processedBytes: result.processedBytes, warnings: 0 };
    }
    if (transfer.kind === 'restore') {
      if (!endpoints.toUrl || !transfer.backupId) throw new Error('a restore needs a database URL and a backup');
      const backup = await this.options.store.pgTransfers.findById(transfer.backupId);
      if (!backup?.blobKey) throw new PgTransferError('The backup to restore was deleted; nothing was restored.');
      const name = transferName(backup.kind, backup.scheduleId !== null, backup.num);
      const source = await this.options.blobs.get(backup.blobKey).catch(() => {
        throw new PgTransferError(`The file of backup ${name} is missing from the blob store; nothing was restored.`);
      });
      const result = await restoreBackup({ url: endpoints.toUrl, source, watch, ...limits });
      return { sourceBytes: backup.processedBytes, ...result };
    }
    if (!endpoints.fromUrl || !endpoints.toUrl) throw new Error('a copy needs two database URLs');
    const fromGuard = endpoints.fromOutside ? { fromGuard: this.egress } : {};
    return copyDatabase({ fromUrl: endpoints.fromUrl, toUrl: endpoints.toUrl, watch, ...fromGuard, ...limits });
  }
}
