import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

import {
  escapeControlCharacters,
  HISTORY_LINES,
  isLogSource,
  type LogFilter,
  type LogLine,
  type LogSource,
  matchesFilter,
  PROCESS_PATTERN,
  splitByBytes,
} from '../core/log-line.js';
import { type MicroClock, systemMicroClock } from './clock.js';
import { HistoryFile, type LogEntry } from './history-file.js';
import { LineSplitter } from './line-splitter.js';

export type { LogEntry } from './history-file.js';
export type LogListener = (entry: LogEntry) => void;

export interface LogChannelsOptions {
  /** Directory for the per-channel history files (DATADIR/logs). */
  readonly dir: string;
  readonly historyLines?: number;
  /** Longest a line waits in memory before it is written to its history file. */
  readonly flushMs?: number;
  /** A dyno quiet this long mid-line has its unfinished line emitted. */
  readonly partialLineMs?: number;
  readonly clock?: MicroClock;
  /** Disk errors and misbehaving listeners: reported, never thrown into a dyno's pipe. */
  readonly onError?: (error: Error) => void;
}

/** What a producer hands in; `time` defaults to now. */
export interface LogInput {
  readonly source: LogSource;
  readonly process: string;
  readonly message: string;
  readonly time?: number;
}

export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const FILE_SUFFIX = '.jsonl';

interface Channel {
  /** Oldest first; at most historyLines + 256. */
  entries: LogEntry[];
  nextSeq: number;
  readonly listeners: Set<LogListener>;
  readonly file: HistoryFile;
}

/**
 * One log channel per app: the last `historyLines` lines in memory and on disk, listeners (tails,
 * drains) called synchronously for every line. Appending never waits for anybody.
 */
export class LogChannels {
  private readonly channels = new Map<string, Channel>();
  /** Channels of destroyed apps: lines that still arrive (a stopping dyno's last words) are dropped, never written. */
  private readonly removed = new Set<string>();
  private readonly historyLines: number;
  private readonly flushMs: number;
  private readonly partialLineMs: number;
  private readonly clock: MicroClock;
  private readonly onError: (error: Error) => void;

  private constructor(private readonly options: LogChannelsOptions) {
    this.historyLines = options.historyLines ?? HISTORY_LINES;
    this.flushMs = options.flushMs ?? 50;
    this.partialLineMs = options.partialLineMs ?? 1000;
    this.clock = options.clock ?? systemMicroClock();
    this.onError = options.onError ?? ((error) => console.error(`logplex: ${error.message}`));
  }

  /** Loads every channel's history from `dir` (created if missing). */
  static async open(options: LogChannelsOptions): Promise<LogChannels> {
    const channels = new LogChannels(options);
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(options.dir)) {
      const id = name.slice(0, -FILE_SUFFIX.length);
      if (!name.endsWith(FILE_SUFFIX) || !CHANNEL_ID_PATTERN.test(id)) continue;
      const loaded = await HistoryFile.load(path.join(options.dir, name), channels.historyLines);
      const last = loaded.entries[loaded.entries.length - 1];
      channels.create(id, loaded.entries, last ? last.seq + 1 : 1, loaded.linesInFile, loaded.clean);
    }
    return channels;
  }

  now(): number {
    return this.clock();
  }

  /**
   * Appends one message; a message holding newlines becomes several lines, a line over 10 000
   * bytes is split, control characters are rendered visibly.
   */
  append(channelId: string, input: LogInput): void {
    if (!isLogSource(input.source)) throw new TypeError(`log source must be app or heroku, not ${String(input.source)}`);
    if (!PROCESS_PATTERN.test(input.process)) throw new TypeError(`invalid log process name ${JSON.stringify(input.process)}`);
    if (this.removed.has(channelId)) return;
    const channel = this.channel(channelId);
    const time = input.time ?? this.clock();
    const text = input.message;
    const rows = text.includes('\n') ? text.split('\n').map((row) => (row.endsWith('\r') ? row.slice(0, -1) : row)) : [text];
    for (const row of rows) {
      for (const piece of splitByBytes(row)) {
        this.push(channel, { time, source: input.source, process: input.process, message: escapeControlCharacters(piece) });
      }
    }
  }

  /**
   * Feeds a dyno's stdout or stderr into the channel until the stream ends; resolves then (or
   * rejects with the stream's error, after flushing what arrived).
   */
  ingest(channelId: string, source: LogSource, processName: string, stream: Readable): Promise<void> {
    if (!PROCESS_PATTERN.test(processName)) throw new TypeError(`invalid log process name ${JSON.stringify(processName)}`);
    if (this.removed.has(channelId)) {
      stream.resume();
      return new Promise((resolve) => stream.once('close', () => resolve()).once('end', () => resolve()).once('error', () => resolve()));
    }
    const channel = this.channel(channelId);
    // One timestamp per chunk: its lines arrived together.
    let time = 0;
    const splitter = new LineSplitter((text) => {
      this.push(channel, { time, source, process: processName, message: escapeControlCharacters(text) });
    });
    const quiet = setTimeout(() => {
      time = this.clock();
      splitter.flush();
    }, this.partialLineMs);
    quiet.unref();
    return new Promise((resolve, reject) => {
      stream.on('data', (chunk: Buffer | string) => {
        time = this.clock();
        splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        if (splitter.hasPartial) quiet.refresh();
      });
      let done = false;
      const finish = (error?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(quiet);
        time = this.clock();
        splitter.flush();
        if (error) reject(error);
        else resolve();
      };
      stream.once('end', () => finish());
      stream.once('error', finish);
      stream.once('close', () => finish());
    });
  }

  /** Entries after `afterSeq` that match `filter`, the newest `limit` of them, oldest first. */
  history(channelId: string, query: { afterSeq?: number; filter?: LogFilter; limit?: number } = {}): LogEntry[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    const limit = Math.min(query.limit ?? this.historyLines, this.historyLines);
    const result: LogEntry[] = [];
    const entries = channel.entries;
    const oldest = Math.max(0, entries.length - this.historyLines);
    for (let i = entries.length - 1; i >= oldest && result.length < limit; i--) {
      const entry = entries[i] as LogEntry;
      if (query.afterSeq !== undefined && entry.seq <= query.afterSeq) break;
      if (!query.filter || matchesFilter(entry.line, query.filter)) result.push(entry);
    }
    return result.reverse();
  }

  /** Calls `listener` for every line appended from now on; returns the unsubscribe function. */
  subscribe(channelId: string, listener: LogListener): () => void {
    if (this.removed.has(channelId)) return () => undefined;
    const channel = this.channel(channelId);
    channel.listeners.add(listener);
    return () => channel.listeners.delete(listener);
  }

  /**
   * Forgets a channel and deletes its history (the app was destroyed); lines for it that still
   * arrive are dropped from then on, so its history file is never made again.
   */
  async remove(channelId: string): Promise<void> {
    if (CHANNEL_ID_PATTERN.test(channelId)) this.removed.add(channelId);
    const channel = this.channels.get(channelId);
    if (!channel) return;
    this.channels.delete(channelId);
    channel.listeners.clear();
    await channel.file.destroy();
  }

  /** Writes every channel's pending lines to disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.file.flush()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.file.close()));
  }

  private channel(channelId: string): Channel {
    const existing = this.channels.get(channelId);
    if (existing) return existing;
    if (!CHANNEL_ID_PATTERN.test(channelId)) throw new TypeError(`invalid log channel id ${JSON.stringify(channelId)}`);
    return this.create(channelId, [], 1, 0, true);
  }

  private create(id: string, entries: LogEntry[], nextSeq: number, linesInFile: number, clean: boolean): Channel {
    const file = path.join(this.options.dir, `${id}${FILE_SUFFIX}`);
    const channel: Channel = {
      entries,
      nextSeq,
      listeners: new Set(),
      file: new HistoryFile(file, linesInFile, clean, () => channel.entries, this.historyLines, this.flushMs, this.onError),
    };
    this.channels.set(id, channel);
    return channel;
  }

  private push(channel: Channel, line: LogLine): void {
    const entry: LogEntry = { seq: channel.nextSeq++, line };
    channel.entries.push(entry);
    // Trim in steps of 256: cheap, and never more than history + 256 lines held.
    if (channel.entries.length >= this.historyLines + 256) channel.entries.splice(0, channel.entries.length - this.historyLines);
    channel.file.record(entry);
    for (const listener of channel.listeners) {
      try {
        listener(entry);
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }
}
