import type { LogLine } from '../core/log-line.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import type { MicroClock } from './clock.js';
import type { DrainOutbox, OutboxStats } from './drain-outbox.js';
import type { DrainReporter } from './drain-reporter.js';

/** A drain as the API shows it (`heroku drains --json`). */
export interface DrainInfo {
  /** A UUID: the log-drain resource's id. */
  readonly id: string;
  /** `d.<uuid>`: sent as Logplex-Drain-Token (HTTPS) and as the syslog HOSTNAME. */
  readonly token: string;
  readonly url: string;
  readonly channelId: string;
  readonly createdAt: string;
}

export interface DrainStats extends OutboxStats {
  /** Failed attempts since the last success. */
  readonly failures: number;
  readonly lastError: string | undefined;
}

/** One drain's delivery worker: lines go in with `offer` (never blocks), out to the receiver. */
export interface Drain {
  readonly info: DrainInfo;
  offer(line: LogLine): void;
  stats(): DrainStats;
  close(): void;
}

export interface DrainTuning {
  readonly batchMaxLines: number;
  readonly batchMaxBytes: number;
  /** First retry/reconnect delay; doubles per failure up to backoffMaxMs. */
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  /** An HTTP request, a TCP/TLS connect, a syslog write: each gives up after this. */
  readonly timeoutMs: number;
  /** Extra CA certificates trusted for TLS drains, on top of the system's. */
  readonly ca: readonly string[];
}

export interface DrainWorkerContext {
  readonly info: DrainInfo;
  readonly outbox: DrainOutbox;
  readonly reporter: DrainReporter;
  readonly clock: MicroClock;
  readonly tuning: DrainTuning;
  /** Checks every address a drain connects to (tenant URLs never reach private addresses). */
  readonly egress: EgressGuard;
}

/** Exponential backoff with ±20 % jitter. */
export function backoffDelay(failures: number, tuning: DrainTuning): number {
  const base = Math.min(tuning.backoffMaxMs, tuning.backoffMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Certificate problems get Heroku's L14 wording. */
export function isCertificateError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|ALTNAME/.test(code);
}
