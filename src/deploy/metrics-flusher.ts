// MetricsFlusher (deploy layer): the host agent's finished metric minutes into the store, 24 h kept.
import type { MetricsPort } from '../api/context.js';
import { MINUTE_SECONDS, RETAINED_MINUTES, minuteOf, type AppMetricRows } from '../core/app-metrics.js';
import type { Store } from '../store/port.js';

const CHUNK = 60 * MINUTE_SECONDS;

/** Where the minutes come from: the agent's `metrics.minutes` (AgentConnection); rejects while disconnected. */
export interface MetricsSource {
  metricsMinutes(request: { appId?: string; from: number; to: number }): Promise<Array<{ appId: string } & AppMetricRows>>;
}

export interface MetricsFlusherDeps {
  store: Store;
  source: MetricsSource;
  log(event: Record<string, unknown>): void;
  now?: () => number;
}

/**
 * Every interval, takes the minutes that ended since the last flush from the agent (all it holds,
 * 24 h, after a start: saving is an idempotent upsert) and saves them per app, then deletes rows
 * older than 24 h. A failed flush keeps its cursor, so the next one takes the same minutes again.
 * stop() flushes once more including the current, partial minute (a clean stop also stops the
 * agent, whose rings go with it). For the API it serves the agent's recent rows (MetricsPort).
 */
export class MetricsFlusher implements MetricsPort {
  /** The last minute (unix seconds) saved for every app. */
  private flushedThrough: number | undefined;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: MetricsFlusherDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush({ partial: true });
  }

  /** One flush (serialized with any running one); never rejects: failures are logged. */
  flush(options: { partial?: boolean } = {}): Promise<void> {
    this.running = this.running
      .then(() => this.flushOnce(options.partial === true))
      .then(() => void (this.lastError = undefined))
      .catch((err: unknown) => {
        // Said once per cause, not every interval (an agent away, or one older than metrics.minutes).
        const error = err instanceof Error ? err.message : String(err);
        if (error !== this.lastError) this.deps.log({ at: 'warn', msg: 'metrics flush failed; the next one retries', error });
        this.lastError = error;
      });
    return this.running;
  }

  async recent(appId: string, from: number, to: number): Promise<AppMetricRows> {
    const [rows] = await this.deps.source.metricsMinutes({ appId, from, to }).catch(() => []);
    return rows ?? { minutes: [], dynos: [] };
  }

  private async flushOnce(partial: boolean): Promise<void> {
    const current = minuteOf(this.now());
    const to = partial ? current : current - MINUTE_SECONDS;
    const oldest = current - (RETAINED_MINUTES - 1) * MINUTE_SECONDS;
    const from = Math.max(oldest, this.flushedThrough === undefined ? oldest : this.flushedThrough + MINUTE_SECONDS);
    if (from <= to) {
      // An hour per call, so the first flush after a start (24 h of every app) comes in bounded answers.
      for (let start = from; start <= to; start += CHUNK) {
        const end = Math.min(to, start + CHUNK - MINUTE_SECONDS);
        for (const rows of await this.deps.source.metricsMinutes({ from: start, to: end })) await this.deps.store.appMetrics.save(rows.appId, rows);
      }
      // A partial minute is taken again (complete) by the next flush.
      this.flushedThrough = partial ? to - MINUTE_SECONDS : to;
    }
    await this.deps.store.appMetrics.prune(oldest);
  }
}
