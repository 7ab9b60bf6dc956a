import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';

import { isLogSource, type LogLine } from '../core/log-line.js';

/** A line with its place in its channel: `seq` grows by one per line and is the SSE event id. */
export interface LogEntry {
  readonly seq: number;
  readonly line: LogLine;
}

export interface LoadedHistory {
  /** The newest `limit` entries, oldest first. */
  readonly entries: LogEntry[];
  readonly linesInFile: number;
  /** False when the file ended in a partial line or held a line that did not parse. */
  readonly clean: boolean;
}

const serialize = (e: LogEntry): string =>
  `${JSON.stringify([e.seq, e.line.time, e.line.source, e.line.process, e.line.message])}\n`;

function parse(text: string): LogEntry | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v) || v.length !== 5) return undefined;
    const [seq, time, source, process, message] = v as unknown[];
    if (typeof seq !== 'number' || typeof time !== 'number' || !isLogSource(source)) return undefined;
    if (typeof process !== 'string' || typeof message !== 'string') return undefined;
    return { seq, line: { time, source, process, message } };
  } catch {
    return undefined;
  }
}

/** Writes entries a slice at a time: a history of 10 KB lines is never one 15 MB string. */
async function writeInSlices(handle: FileHandle, entries: readonly LogEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 100) {
    await handle.write(entries.slice(i, i + 100).map(serialize).join(''));
  }
}

/**
 * One channel's history on disk: an append-only JSON-lines file. Records are batched and written
 * within `flushMs`; when the file holds more than twice the history, it is rewritten from memory
 * (temp file + rename). No fsync: a host crash may lose the last batch, a process crash does not
 * (the batch is in the kernel once written).
 */
export class HistoryFile {
  /** Recorded, not yet written; never more than the history holds (older ones are moot). */
  private pending: LogEntry[] = [];
  private rewrite: boolean;
  private failing = false;
  private retryMs = 0;
  private handle: FileHandle | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private linesInFile: number,
    clean: boolean,
    private readonly snapshot: () => readonly LogEntry[],
    private readonly limit: number,
    private readonly flushMs: number,
    private readonly onError: (error: Error) => void,
  ) {
    this.rewrite = !clean;
    if (this.rewrite) this.schedule();
  }

  static async load(path: string, limit: number): Promise<LoadedHistory> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], linesInFile: 0, clean: true };
      throw error;
    }
    const rows = text.split('\n');
    let clean = rows.pop() === '';
    const entries: LogEntry[] = [];
    for (const row of rows) {
      const entry = parse(row);
      if (entry && (entries.length === 0 || entry.seq > (entries[entries.length - 1] as LogEntry).seq)) entries.push(entry);
      else clean = false;
    }
    return { entries: entries.slice(-limit), linesInFile: rows.length, clean };
  }

  record(entry: LogEntry): void {
    if (this.closed) return;
    if (!this.rewrite) {
      this.pending.push(entry);
      // A flood outpacing the disk: only the newest `limit` lines can matter to the history.
      if (this.pending.length >= 2 * this.limit) this.pending = this.pending.slice(-this.limit);
    }
    this.schedule();
  }

  /** Writes everything recorded so far. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.pending.length === 0 && !this.rewrite) return;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Removes the file (the channel is gone). */
  async destroy(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.writing) await this.writing;
    await this.handle?.close();
    this.handle = undefined;
    await rm(this.path, { force: true });
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, this.retryMs || this.flushMs);
    // The host keeps itself alive; a forgotten channel must not (close() flushes).
    this.timer.unref();
  }

  private async write(): Promise<void> {
    try {
      if (this.rewrite || this.linesInFile + Math.min(this.pending.length, this.limit) > 2 * this.limit) await this.compact();
      else await this.append();
      this.failing = false;
      this.retryMs = 0;
    } catch (error) {
      // Disk full, directory gone…: retry from memory with backoff, say so once per outage.
      this.rewrite = true;
      this.pending = [];
      this.retryMs = Math.min(30_000, Math.max(1000, this.retryMs * 2));
      if (!this.failing) this.onError(new Error(`Could not write log history ${this.path}: ${(error as Error).message}`));
      this.failing = true;
    } finally {
      if (this.pending.length > 0 || this.rewrite) this.schedule();
    }
  }

  private async append(): Promise<void> {
    const batch = this.pending.slice(-this.limit);
    this.pending = [];
    this.handle ??= await open(this.path, 'a', 0o600);
    await writeInSlices(this.handle, batch);
    this.linesInFile += batch.length;
  }

  private async compact(): Promise<void> {
    const entries = this.snapshot().slice(-this.limit);
    this.pending = [];
    this.rewrite = false;
    const temp = `${this.path}.${process.pid}.tmp`;
    const out = await open(temp, 'w', 0o600);
    try {
      await writeInSlices(out, entries);
    } finally {
      await out.close();
    }
    await this.handle?.close();
    this.handle = undefined;
    await rename(temp, this.path);
    this.linesInFile = entries.length;
  }
}
