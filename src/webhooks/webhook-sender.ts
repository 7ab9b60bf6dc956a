/**
 * The background sender of app webhook deliveries. The store's deliveries table is its queue, so
 * a pending or retrying delivery survives a restart and is sent when due. At most `concurrency`
 * requests run at once; each POSTs the event's payload (plus `webhook_metadata`) signed with the
 * webhook's secret, through the egress guard (a webhook URL is tenant input), on a fresh
 * connection, with a timeout and no redirects. A failed `sync` delivery is tried again after the
 * retry schedule's next delay; a `notify` one, or one past the schedule, is `failed`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { DEFAULT_RETRY_DELAYS_MS, nextAttemptDelay } from '../core/webhook-rules.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import type { AttemptOutcome, DeliveryAttempt, DueDelivery, Store } from '../store/port.js';

export interface WebhookSenderOptions {
  store: Pick<Store, 'webhooks'>;
  egress: EgressGuard;
  /** Waits before each retry of a sync delivery (default: doubling from 15 s, about an hour in all). */
  retryDelaysMs?: readonly number[];
  /** How long one attempt may take, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** Requests in flight at once, all apps together (default 4). */
  concurrency?: number;
  now?: () => Date;
  log(event: Record<string, unknown>): void;
  /** Every attempt recorded (tests wait on these). */
  observe?(delivery: { id: string; status: string; attempt: DeliveryAttempt }): void;
}

/** What one POST came to: a status, or why none came. */
type Answer = { code: number } | { error: string };

/** The HMAC Heroku puts in `Heroku-Webhook-Hmac-SHA256`: base64 HMAC-SHA256 of the exact body with the secret. */
export const signBody = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('base64');

const MAX_IDLE_WAIT_MS = 60_000;

export class WebhookSender {
  readonly #inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;
  #again = false;
  #stopped = true;
  readonly #delays: readonly number[];
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #now: () => Date;

  constructor(private readonly options: WebhookSenderOptions) {
    this.#delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts sending: whatever is due now (deliveries a previous control plane left pending too). */
  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** New deliveries were recorded: look for due ones now. */
  wake(): void {
    if (this.#stopped) return;
    void this.pump();
  }

  /** Stops; requests in flight are abandoned and their deliveries stay pending for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const { abort } of this.#inFlight.values()) abort.abort();
    await Promise.all([...this.#inFlight.values()].map((f) => f.done));
  }

  private async pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        if (this.#stopped) return;
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) break;
        const due = await this.options.store.webhooks.due(this.#now().toISOString(), free + this.#inFlight.size);
        for (const item of due) {
          if (this.#stopped || this.#inFlight.size >= this.#concurrency) break;
          if (!this.#inFlight.has(item.delivery.id)) this.launch(item);
        }
      } while (this.#again);
      await this.arm();
    } catch (err) {
      this.options.log({ at: 'warn', msg: 'webhook sender could not read its queue; trying again in 5 s', error: err instanceof Error ? err.message : String(err) });
      this.arm(5_000);
    } finally {
      this.#pumping = false;
    }
  }

  /** Sleeps until the next delivery is due (at most a minute; a second while requests are in flight). */
  private async arm(fixedMs?: number): Promise<void> {
    if (this.#stopped) return;
    let wait = fixedMs;
    if (wait === undefined) {
      const next = await this.options.store.webhooks.nextDue();
      if (next === undefined) return;
      wait = Math.min(MAX_IDLE_WAIT_MS, Math.max(Date.parse(next) - this.#now().getTime(), this.#inFlight.size > 0 ? 1_000 : 0));
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.pump(), wait);
    this.#timer.unref();
  }

  private launch(item: DueDelivery): void {
    const abort = new AbortController();
    const done = this.attempt(item, abort.signal)
      .catch((err: unknown) => this.options.log({ at: 'warn', msg: 'webhook delivery attempt not recorded', delivery_id: item.delivery.id, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.#inFlight.delete(item.delivery.id);
        this.wake();
      });
    this.#inFlight.set(item.delivery.id, { abort, done });
  }

  private async attempt({ delivery, webhook, event }: DueDelivery, signal: AbortSignal): Promise<void> {
    const attemptId = randomUUID();
    const startedAt = this.#now().toISOString();
    const body = JSON.stringify({
      ...event.payload,
      webhook_metadata: { attempt: { id: attemptId }, delivery: { id: delivery.id }, event: { id: event.id, include: event.include }, webhook: { id: webhook.id } },
    });
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Berth-Webhooks/1',
      'Heroku-Webhook-Hmac-SHA256': signBody(webhook.secret, body),
    };
    if (webhook.authorization !== null) headers.Authorization = webhook.authorization;
    const answer = await this.post(webhook.url, headers, body, signal);
    if (this.#stopped) return;
    const succeeded = 'code' in answer && answer.code >= 200 && answer.code < 300;
    const attempt: DeliveryAttempt = {
      id: attemptId,
      code: 'code' in answer ? answer.code : null,
      errorClass: 'error' in answer ? answer.error : null,
      status: succeeded ? 'succeeded' : 'failed',
      createdAt: startedAt,
      updatedAt: this.#now().toISOString(),
    };
    const delay = succeeded ? undefined : nextAttemptDelay(delivery.level, delivery.numAttempts + 1, this.#delays);
    const outcome: AttemptOutcome = {
      attempt,
      status: succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'retrying',
      nextAttemptAt: delay === undefined ? null : new Date(this.#now().getTime() + delay).toISOString(),
    };
    const stored = await this.options.store.webhooks.recordAttempt(delivery.id, outcome);
    if (stored) this.options.observe?.({ id: delivery.id, status: stored.status, attempt });
  }

  private post(target: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<Answer> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return resolve({ error: 'invalid url' });
      }
      const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
      if (!mod) return resolve({ error: `unsupported scheme ${url.protocol}` });
      const host = url.hostname.replace(/^\[|\]$/g, '');
      try {
        this.options.egress.assertHost(host);
      } catch {
        return resolve({ error: 'refused by egress policy' });
      }
      const req = mod.request(url, { method: 'POST', agent: false, lookup: this.options.egress.lookup, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, signal });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), this.#timeoutMs);
      const finish = (answer: Answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      req.on('response', (res) => {
        // The answer's body is not kept: read and drop it, at most 64 KB, then close.
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 64 * 1024) res.destroy();
        });
        res.on('close', () => finish({ code: res.statusCode ?? 0 }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish({ error: errorClass(err) }));
      req.end(body);
    });
  }
}

/** A short, stable name for why no answer came (shown as the attempt's `error_class`). */
function errorClass(err: NodeJS.ErrnoException): string {
  if (err.code === 'EBERTHREFUSED') return 'refused by egress policy';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ECONNRESET') return 'connection reset';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'name not resolved';
  if (err.name === 'AbortError') return 'aborted';
  return err.code ?? err.message;
}
