import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';

import { notFound, PlatformError } from '../core/errors.js';
import { EgressGuard } from '../egress/egress-guard.js';
import type { Drain, DrainInfo, DrainStats, DrainTuning } from './drain.js';
import { DrainOutbox } from './drain-outbox.js';
import { DrainReporter } from './drain-reporter.js';
import { parseDrainUrl } from './drain-url.js';
import { HttpDrain } from './http-drain.js';
import type { LogChannels } from './log-channels.js';
import { SyslogDrain } from './syslog-drain.js';

export interface DrainManagerOptions {
  readonly channels: LogChannels;
  /** The drain list survives restarts here (DATADIR/logs/drains.json); omit to keep it in memory. */
  readonly stateFile?: string;
  /** Lines each drain holds waiting while its receiver is slow or down (default 1024, as logplex), besides the batch in flight. */
  readonly bufferLines?: number;
  readonly maxDrainsPerChannel?: number;
  /** At most one in-band error line per drain per this interval (default 60 s). */
  readonly reportIntervalMs?: number;
  readonly tuning?: Partial<DrainTuning>;
  /** Which addresses drains may connect to (default: public addresses only). */
  readonly egress?: EgressGuard;
}

const DEFAULT_TUNING: DrainTuning = {
  batchMaxLines: 1000,
  batchMaxBytes: 100 * 1024,
  backoffMs: 500,
  backoffMaxMs: 60_000,
  timeoutMs: 10_000,
  ca: [],
};

/**
 * The drains of every channel: `add` validates the URL, gives the drain its `d.<uuid>` token and
 * starts delivering every new line of the channel to it. Each drain has its own buffer and
 * worker, so a dead endpoint costs its own buffer and nothing else.
 */
export class DrainManager {
  private readonly drains = new Map<string, Drain[]>();
  private readonly unsubscribe = new Map<string, () => void>();
  private readonly tuning: DrainTuning;
  private readonly egress: EgressGuard;
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly options: DrainManagerOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.egress = options.egress ?? new EgressGuard();
  }

  /** Starts the manager and the drains recorded in `stateFile`. */
  static async open(options: DrainManagerOptions): Promise<DrainManager> {
    const manager = new DrainManager(options);
    if (options.stateFile) {
      for (const info of await readState(options.stateFile)) manager.start(info);
    }
    return manager;
  }

  /**
   * Adds a drain (`existing` keeps the id and token of a drain re-created from elsewhere).
   * Throws invalid_params for a bad URL or too many drains, conflict for a duplicate.
   */
  async add(channelId: string, url: unknown, existing?: { id?: string; token?: string }): Promise<DrainInfo> {
    parseDrainUrl(url);
    const list = this.drains.get(channelId) ?? [];
    const max = this.options.maxDrainsPerChannel ?? 5;
    if (list.some((d) => d.info.url === url)) throw new PlatformError('conflict', `This app already drains to ${String(url)}.`);
    if (list.length >= max) {
      throw new PlatformError('invalid_params', `An app can have at most ${max} log drains: remove one first (berth drains:remove URL).`);
    }
    const info: DrainInfo = {
      id: existing?.id ?? randomUUID(),
      token: existing?.token ?? `d.${randomUUID()}`,
      url: url as string,
      channelId,
      createdAt: new Date(this.options.channels.now() / 1000).toISOString(),
    };
    this.start(info);
    await this.save();
    return info;
  }

  list(channelId: string): DrainInfo[] {
    return (this.drains.get(channelId) ?? []).map((d) => d.info);
  }

  /** Finds a drain by id, token or URL. */
  find(channelId: string, key: string): DrainInfo | undefined {
    return this.lookup(channelId, key)?.info;
  }

  stats(channelId: string, key: string): DrainStats {
    const drain = this.lookup(channelId, key);
    if (!drain) throw notFound('log drain', key);
    return drain.stats();
  }

  async remove(channelId: string, key: string): Promise<DrainInfo> {
    const drain = this.lookup(channelId, key);
    if (!drain) throw notFound('log drain', key);
    drain.close();
    const rest = (this.drains.get(channelId) ?? []).filter((d) => d !== drain);
    if (rest.length > 0) this.drains.set(channelId, rest);
    else this.forget(channelId);
    await this.save();
    return drain.info;
  }

  /** Removes every drain of a channel (the app was destroyed). */
  async removeChannel(channelId: string): Promise<void> {
    for (const drain of this.drains.get(channelId) ?? []) drain.close();
    this.forget(channelId);
    await this.save();
  }

  async close(): Promise<void> {
    for (const list of this.drains.values()) for (const drain of list) drain.close();
    for (const off of this.unsubscribe.values()) off();
    this.drains.clear();
    this.unsubscribe.clear();
    await this.saving;
  }

  private lookup(channelId: string, key: string): Drain | undefined {
    return this.drains.get(channelId)?.find((d) => d.info.id === key || d.info.token === key || d.info.url === key);
  }

  private start(info: DrainInfo): void {
    const channels = this.options.channels;
    const target = parseDrainUrl(info.url);
    const ctx = {
      info,
      outbox: new DrainOutbox(this.options.bufferLines ?? 1024, () => channels.now()),
      reporter: new DrainReporter(
        (message) => channels.append(info.channelId, { source: 'heroku', process: 'logplex', message }),
        this.options.reportIntervalMs ?? 60_000,
        () => channels.now() / 1000,
      ),
      clock: () => channels.now(),
      tuning: this.tuning,
      egress: this.egress,
    };
    const drain: Drain = target.kind === 'http' ? new HttpDrain(ctx, target) : new SyslogDrain(ctx, target);
    const list = this.drains.get(info.channelId);
    if (list) list.push(drain);
    else {
      const fresh = [drain];
      this.drains.set(info.channelId, fresh);
      this.unsubscribe.set(
        info.channelId,
        channels.subscribe(info.channelId, (entry) => {
          for (const d of this.drains.get(info.channelId) ?? []) d.offer(entry.line);
        }),
      );
    }
  }

  private forget(channelId: string): void {
    this.unsubscribe.get(channelId)?.();
    this.unsubscribe.delete(channelId);
    this.drains.delete(channelId);
  }

  private save(): Promise<void> {
    const file = this.options.stateFile;
    if (!file) return Promise.resolve();
    const all = [...this.drains.values()].flatMap((list) => list.map((d) => d.info));
    this.saving = this.saving.catch(() => undefined).then(async () => {
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, file);
    });
    return this.saving;
  }
}

async function readState(file: string): Promise<DrainInfo[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return Array.isArray(parsed) ? (parsed as DrainInfo[]) : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`Could not read the drain list ${file}: ${(error as Error).message}`);
  }
}
