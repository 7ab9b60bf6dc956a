import { drainOverflowMessage, type LogLine } from '../core/log-line.js';
import type { MicroClock } from './clock.js';
import { RingQueue } from './ring-queue.js';

/** A batch taken for delivery: frames ready to send, and what they stand for. */
export interface OutboxBatch {
  readonly frames: string[];
  /** Size in UTF-16 units: close enough to bytes for a batch bound. */
  readonly bytes: number;
  /** Lines from the channel in this batch (the L10 notice, if any, is not one of them). */
  readonly lines: readonly LogLine[];
  /** The drops the batch's leading L10 notice reports. */
  readonly carried: { readonly dropped: number; readonly since: number } | undefined;
}

export interface OutboxStats {
  readonly queued: number;
  readonly inFlight: number;
  readonly delivered: number;
  /** Every line this drain lost, ever (each was reported, or will be, in an L10 notice). */
  readonly dropped: number;
}

/**
 * A drain's bounded buffer (logplex's msg_buffer): at most `capacity` lines waiting, plus the one
 * batch in flight (taken out of the buffer, as logplex does). When full, the oldest waiting line
 * goes and is counted; the next batch opens with
 * `Error L10 (output buffer overflow): N messages dropped since T.` Every line is delivered,
 * counted in an L10 notice, or still here: the counts are exact.
 */
export class DrainOutbox {
  private readonly queue = new RingQueue<LogLine>();
  private inFlight = 0;
  private pendingDrops = 0;
  private pendingSince = 0;
  private deliveredCount = 0;
  private droppedTotal = 0;

  constructor(
    private readonly capacity: number,
    private readonly clock: MicroClock,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`drain buffer must hold at least one line, not ${capacity}`);
  }

  get queued(): number {
    return this.queue.length;
  }

  push(line: LogLine): void {
    if (this.queue.length >= this.capacity) {
      this.queue.shift();
      this.drop(1);
    }
    this.queue.push(line);
  }

  /** Takes the next batch (undefined when nothing waits), the L10 notice first when lines were lost. */
  take(maxLines: number, maxBytes: number, frame: (line: LogLine) => string): OutboxBatch | undefined {
    if (this.inFlight > 0) throw new Error('a drain batch is already in flight');
    if (this.queue.length === 0 && this.pendingDrops === 0) return undefined;
    const frames: string[] = [];
    let bytes = 0;
    let carried: OutboxBatch['carried'];
    if (this.pendingDrops > 0) {
      carried = { dropped: this.pendingDrops, since: this.pendingSince };
      const notice = frame({ time: this.clock(), source: 'heroku', process: 'logplex', message: drainOverflowMessage(carried.dropped, carried.since) });
      frames.push(notice);
      bytes += notice.length;
      this.pendingDrops = 0;
    }
    const lines: LogLine[] = [];
    while (lines.length < maxLines) {
      const next = this.queue.peek();
      if (!next) break;
      const text = frame(next);
      if (lines.length > 0 && bytes + text.length > maxBytes) break;
      this.queue.shift();
      frames.push(text);
      lines.push(next);
      bytes += text.length;
    }
    this.inFlight = lines.length;
    return { frames, bytes, lines, carried };
  }

  /** The receiver has the batch. */
  markDelivered(batch: OutboxBatch): void {
    this.inFlight = 0;
    this.deliveredCount += batch.lines.length;
  }

  /** The batch is given up on: its lines (and the drops it reported) count as dropped again. */
  lost(batch: OutboxBatch): void {
    this.inFlight = 0;
    if (batch.carried) this.addDrops(batch.carried.dropped, batch.carried.since);
    if (batch.lines.length > 0) this.drop(batch.lines.length);
  }

  /** The batch could not be sent: back to the front of the queue, to be framed again. */
  requeue(batch: OutboxBatch): void {
    this.inFlight = 0;
    if (batch.carried) this.addDrops(batch.carried.dropped, batch.carried.since);
    this.queue.unshiftAll(batch.lines);
  }

  stats(): OutboxStats {
    return { queued: this.queue.length, inFlight: this.inFlight, delivered: this.deliveredCount, dropped: this.droppedTotal };
  }

  private drop(count: number): void {
    this.droppedTotal += count;
    this.addDrops(count, this.clock());
  }

  private addDrops(count: number, since: number): void {
    this.pendingSince = this.pendingDrops === 0 ? since : Math.min(this.pendingSince, since);
    this.pendingDrops += count;
  }
}
