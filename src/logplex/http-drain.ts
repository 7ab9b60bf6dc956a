import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

import { httpsDrainFrame, type LogLine } from '../core/log-line.js';
import { backoffDelay, type Drain, type DrainInfo, type DrainStats, type DrainWorkerContext, isCertificateError } from './drain.js';
import type { OutboxBatch } from './drain-outbox.js';
import { type DrainTarget, redactDrainUrl } from './drain-url.js';

type HttpTarget = Extract<DrainTarget, { kind: 'http' }>;
type Outcome = { ok: true } | { ok: false; status: number } | { ok: false; error: Error };

interface Attempt {
  readonly batch: OutboxBatch;
  readonly body: string;
  /** Stable across retries: receivers dedupe on it. */
  readonly frameId: string;
  tries: number;
}

/** Non-2xx answers that mean "not now" rather than "never": retried for as long as it takes. */
const RETRYABLE = (status: number): boolean => status >= 500 || status === 408 || status === 429;
/** Other refusals (a 4xx) get this many tries, then the batch is dropped and counted. */
const MAX_TRIES_WHEN_REFUSED = 3;

/**
 * An HTTPS (or HTTP) drain: `POST` batches of octet-counted RFC 5424 frames with logplex's
 * headers, one request at a time so the receiver sees lines in order, retried with backoff.
 */
export class HttpDrain implements Drain {
  private readonly agent: http.Agent;
  private current: Attempt | undefined;
  private running = false;
  private closed = false;
  private failures = 0;
  private lastError: string | undefined;
  private request: http.ClientRequest | undefined;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private readonly shownUrl: string;

  constructor(
    private readonly ctx: DrainWorkerContext,
    private readonly target: HttpTarget,
  ) {
    const ca = ctx.tuning.ca.length > 0 ? [...rootCertificates, ...ctx.tuning.ca] : undefined;
    this.agent = target.tls ? new https.Agent({ keepAlive: true, maxSockets: 1, ca }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.shownUrl = redactDrainUrl(ctx.info.url);
  }

  get info(): DrainInfo {
    return this.ctx.info;
  }

  offer(line: LogLine): void {
    this.ctx.outbox.push(line);
    if (!this.running && !this.closed) void this.run();
  }

  stats(): DrainStats {
    return { ...this.ctx.outbox.stats(), failures: this.failures, lastError: this.lastError };
  }

  close(): void {
    this.closed = true;
    this.request?.destroy();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    this.agent.destroy();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed) {
        if (!this.current) {
          const { batchMaxLines, batchMaxBytes } = this.ctx.tuning;
          const batch = this.ctx.outbox.take(batchMaxLines, batchMaxBytes, httpsDrainFrame);
          if (!batch) break;
          this.current = { batch, body: batch.frames.join(''), frameId: randomBytes(16).toString('hex'), tries: 0 };
        }
        const attempt = this.current;
        attempt.tries++;
        const outcome = await this.post(attempt);
        if (this.closed) break;
        if (outcome.ok) {
          this.ctx.outbox.markDelivered(attempt.batch);
          this.current = undefined;
          this.failures = 0;
          continue;
        }
        this.failures++;
        if ('error' in outcome) {
          this.lastError = outcome.error.message;
          this.ctx.reporter.report(
            isCertificateError(outcome.error)
              ? `Error L14 (certificate validation): error="${outcome.error.message}" uri="${this.shownUrl}"`
              : `Could not deliver to drain ${this.info.token} (${this.shownUrl}): ${outcome.error.message}. Retrying with backoff; lines beyond the drain's buffer are dropped and counted (L10).`,
          );
        } else if (RETRYABLE(outcome.status)) {
          this.lastError = `HTTP ${outcome.status}`;
          this.ctx.reporter.report(`Drain ${this.info.token} (${this.shownUrl}) answered HTTP ${outcome.status}. Retrying with backoff.`);
        } else if (attempt.tries < MAX_TRIES_WHEN_REFUSED) {
          this.lastError = `HTTP ${outcome.status}`;
          this.ctx.reporter.report(
            `Drain ${this.info.token} (${this.shownUrl}) answered HTTP ${outcome.status}. Retrying ${MAX_TRIES_WHEN_REFUSED - attempt.tries} more times, then the batch is dropped and counted (L10).`,
          );
        } else {
          this.lastError = `HTTP ${outcome.status}`;
          this.ctx.outbox.lost(attempt.batch);
          this.current = undefined;
          this.ctx.reporter.report(
            `Drain ${this.info.token} (${this.shownUrl}) refused a batch ${attempt.tries} times (HTTP ${outcome.status}): its ${attempt.batch.lines.length} messages are dropped and counted in the next L10.`,
          );
        }
        await this.sleep(backoffDelay(this.failures, this.ctx.tuning));
      }
    } finally {
      this.running = false;
    }
  }

  private post(attempt: Attempt): Promise<Outcome> {
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/logplex-1',
      'Content-Length': Buffer.byteLength(attempt.body),
      'Logplex-Msg-Count': attempt.batch.frames.length,
      'Logplex-Frame-Id': attempt.frameId,
      'Logplex-Drain-Token': this.info.token,
      'User-Agent': 'Logplex/berth',
    };
    const auth = this.target.auth;
    if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    const send = (retryStale: boolean): Promise<Outcome> =>
      new Promise((resolve) => {
        try {
          this.ctx.egress.assertHost(this.target.host);
        } catch (refused) {
          return resolve({ ok: false, error: refused as Error });
        }
        const mod = this.target.tls ? https : http;
        const req = mod.request({
          agent: this.agent,
          lookup: this.ctx.egress.lookup,
          method: 'POST',
          host: this.target.host,
          port: this.target.port,
          path: this.target.path,
          headers,
          servername: this.target.tls && !/^[\d.:]+$/.test(this.target.host) ? this.target.host : undefined,
        });
        this.request = req;
        req.setTimeout(this.ctx.tuning.timeoutMs, () => req.destroy(new Error(`no answer within ${this.ctx.tuning.timeoutMs} ms`)));
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode && res.statusCode >= 200 && res.statusCode < 300 ? { ok: true } : { ok: false, status: res.statusCode ?? 0 }));
          res.on('error', (error) => resolve({ ok: false, error }));
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive socket the receiver had already closed: not a failure, just reconnect.
          if (retryStale && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) resolve(send(false));
          else resolve({ ok: false, error });
        });
        req.end(attempt.body);
      });
    return send(true).finally(() => {
      this.request = undefined;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleeping = undefined;
        resolve();
      };
      this.sleeping = { timer: setTimeout(wake, ms).unref(), wake };
    });
  }
}
