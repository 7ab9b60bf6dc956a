/**
 * The metrics of an app, one row per minute (the shapes the host agent aggregates, the store
 * keeps for 24 h and `GET /apps/:app/metrics` turns into series), and how a router log line
 * counts in them. Minutes are unix seconds of the minute's start (a multiple of 60).
 */

export const MINUTE_SECONDS = 60;
/** What is kept: the last 24 hours, minute by minute. */
export const RETAINED_MINUTES = 1440;

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

/** An app's minute: router requests by status class, response time percentiles, error codes, dyno events. */
export interface AppMinute {
  minute: number;
  requests: Record<StatusClass, number>;
  /** Router service time percentiles in ms (null: no request with a service time). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Router errors by H-code. */
  errors: Record<string, number>;
  /** Starts of a formation dyno whose name ran before (after a crash, a restart, a new release). */
  restarts: number;
  /** Dynos entering `crashed`. */
  crashes: number;
  /** Platform errors by R-code (R10, R12, R14, R15…). */
  runtimeErrors: Record<string, number>;
}

/** A formation dyno's minute: the highest samples of memory and load taken in it. */
export interface DynoMinute {
  /** `web.1` */
  dyno: string;
  type: string;
  minute: number;
  rssMb: number | null;
  swapMb: number | null;
  quotaMb: number;
  /** The dyno's 1-minute load average (runnable + uninterruptible tasks, exponentially averaged). */
  load: number | null;
}

/** Both kinds of rows of one app. */
export interface AppMetricRows {
  minutes: AppMinute[];
  dynos: DynoMinute[];
}

export const minuteOf = (unixMs: number): number => Math.floor(unixMs / 60_000) * MINUTE_SECONDS;

export function statusClass(status: number): StatusClass | null {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return null;
}

/** What one router log line counts: its status, service time (null when no dyno answered) and H-code. */
export interface RouterRequest {
  status: number;
  serviceMs: number | null;
  code: string | null;
}

const numberAfter = (line: string, key: string): number | null => {
  // The fields after the quoted, client-controlled ones (path, fwd) are read from the end, so
  // a path containing ` status=` cannot fool it.
  const at = line.lastIndexOf(key);
  if (at < 0) return null;
  const n = parseInt(line.slice(at + key.length, at + key.length + 12), 10);
  return Number.isFinite(n) ? n : null;
};

/**
 * Reads a router line (`at=info … service=12ms status=200 bytes=… protocol=http`, or
 * `at=error code=H12 desc="…" …`); null for anything else.
 */
export function readRouterLine(line: string): RouterRequest | null {
  const status = numberAfter(line, ' status=');
  if (status === null) return null;
  const code = line.startsWith('at=error code=') ? line.slice(14, line.indexOf(' ', 14)) : null;
  return { status, serviceMs: numberAfter(line, ' service='), code: code && /^H\d\d$/.test(code) ? code : null };
}

/** The R-code of a platform line (`Error R14 (Memory quota exceeded)`), or null. */
export function runtimeErrorCode(message: string): string | null {
  const match = /^Error (R\d\d) \(/.exec(message);
  return match ? match[1]! : null;
}
