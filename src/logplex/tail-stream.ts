import type { Writable } from 'node:stream';

import { formatLogLine, type LogFilter, type LogLine, matchesFilter, tailOverflowMessage } from '../core/log-line.js';
import type { MicroClock } from './clock.js';
import type { LogEntry } from './history-file.js';
import { RingQueue } from './ring-queue.js';

export type TailFormat = 'sse' | 'text';

/** An entry, or an L11 notice (no seq: it is not part of the channel). */
interface Item {
  readonly seq: number | undefined;
  readonly line: LogLine;
}

export interface TailStreamOptions {
  readonly format: TailFormat;
  readonly filter: LogFilter;
  /** Lines held for a reader that is behind; beyond this they are dropped and counted. */
  readonly bufferLines: number;
  /** …and bytes (message text), so ten thousand 10 KB lines cannot pile up either. */
  readonly bufferBytes: number;
  readonly clock: MicroClock;
}

const BATCH_LINES = 1000;
const BATCH_CHARS = 256 * 1024;

/** One line as the client sees it: an SSE event (`id:` + `data:`) or a plain text line. */
export function renderTailLine(format: TailFormat, seq: number | undefined, line: LogLine): string {
  const text = formatLogLine(line);
  if (format === 'text') return `${text}\n`;
  return seq === undefined ? `data: ${text}\n\n` : `id: ${seq}\ndata: ${text}\n\n`;
}

/**
 * Writes a channel's lines to one reader. Appenders call `offer` and never wait: lines queue in a
 * bounded buffer while the socket is full; past the bound they are dropped, counted, and an
 * `Error L11 (Tail buffer overflow)` line takes their place as soon as there is room again.
 */
export class TailStream {
  private readonly queue = new RingQueue<Item>();
  private queuedChars = 0;
  private dropped = 0;
  private droppedSince = 0;
  private waitingForDrain = false;
  private scheduled = false;
  private closed = false;
  private lastWrite = 0;

  constructor(
    private readonly out: Writable,
    private readonly options: TailStreamOptions,
  ) {}

  /** Lines already in history, written before anything live. */
  writeBacklog(entries: readonly LogEntry[]): void {
    for (const entry of entries) this.enqueue({ seq: entry.seq, line: entry.line });
    this.schedule();
  }

  offer(entry: LogEntry): void {
    if (this.closed || !matchesFilter(entry.line, this.options.filter)) return;
    if (this.queue.length >= this.options.bufferLines || this.queuedChars >= this.options.bufferBytes) {
      if (this.dropped === 0) this.droppedSince = this.options.clock();
      this.dropped++;
      return;
    }
    this.enqueue({ seq: entry.seq, line: entry.line });
    this.schedule();
  }

  /** An SSE comment when the stream has been quiet (keeps proxies and the client's socket alive). */
  heartbeat(idleMs: number, nowMs: number): void {
    if (this.closed || this.options.format !== 'sse' || this.waitingForDrain || this.queue.length > 0) return;
    if (nowMs - this.lastWrite < idleMs) return;
    this.lastWrite = nowMs;
    this.out.write(': heartbeat\n\n');
  }

  close(): void {
    this.closed = true;
    this.queue.clear();
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    this.queuedChars += item.line.message.length;
  }

  private schedule(): void {
    if (this.scheduled || this.waitingForDrain || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && !this.waitingForDrain && this.queue.length > 0) {
      let chunk = '';
      for (let n = 0; n < BATCH_LINES && chunk.length < BATCH_CHARS; n++) {
        const item = this.queue.shift();
        if (!item) break;
        this.queuedChars -= item.line.message.length;
        chunk += renderTailLine(this.options.format, item.seq, item.line);
      }
      if (this.dropped > 0) {
        // Room again: the notice goes exactly where the lines went missing.
        const now = this.options.clock();
        this.enqueue({
          seq: undefined,
          line: { time: now, source: 'heroku', process: 'logplex', message: tailOverflowMessage(this.dropped, this.droppedSince) },
        });
        this.dropped = 0;
      }
      this.lastWrite = this.options.clock() / 1000;
      if (!this.out.write(chunk)) {
        this.waitingForDrain = true;
        this.out.once('drain', () => {
          this.waitingForDrain = false;
          this.pump();
        });
      }
    }
  }
}
