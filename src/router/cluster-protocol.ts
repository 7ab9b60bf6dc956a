import type { RouteDiff, RouteSnapshot } from '../core/route-table.js';
import type { RouterStats } from './router-engine.js';
import type { RouterOptions } from './router-options.js';
import type { CertificatePair } from './sni.js';

/**
 * IPC between the router primary (the host agent) and its workers: control messages as JSON over
 * the cluster channel; router log lines on a separate pipe (fd LOG_FD in the worker), one
 * `app\tline\n` per line (app empty when none), latin1, written in batches.
 */
export const LOG_FD = 4;

export type ToWorker =
  | {
      t: 'init';
      port: number;
      host: string;
      tlsPort?: number;
      tls?: { cert: string; key: string; sni: boolean };
      table: RouteSnapshot;
      options: Partial<RouterOptions>;
    }
  | { t: 'update'; id: number; diff: RouteDiff }
  /** Answer `drained` once no request is in flight to the dyno at host:port (see RouterEngine.drain). */
  | { t: 'drain'; id: number; host: string; port: number; timeoutMs: number }
  | { t: 'cert'; id: number; pair: CertificatePair | null }
  | { t: 'invalidate-cert'; id: number; servername?: string }
  | { t: 'stats'; id: number }
  | { t: 'stop'; graceMs: number };

export type FromWorker =
  /** The worker's message handler is installed (messages sent before this would be lost). */
  | { t: 'hello' }
  | { t: 'listening'; ports: { http: number; https?: number } }
  | { t: 'failed'; message: string }
  | { t: 'ack'; id: number }
  /** `drained` false: requests were still in flight when `timeoutMs` ran out. */
  | { t: 'drained'; id: number; drained: boolean }
  | { t: 'cert?'; id: number; servername: string }
  /** A request arrived for an idled app: wake its web dynos (the request waits in the worker). */
  | { t: 'wake'; app: string }
  | { t: 'stats'; id: number; stats: RouterStats };
