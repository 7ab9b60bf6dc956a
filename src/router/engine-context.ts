import type { AppRoute } from '../core/route-table.js';
import type { RouterCode } from '../core/router-codes.js';
import type { Backend, BackendConn } from './backend-pool.js';
import type { RouterOptions } from './router-options.js';

/** What a client connection and its exchanges need from the engine (kept narrow, type-only). */
export interface EngineContext {
  readonly options: RouterOptions;
  /** Coarse clock (ms), refreshed by the timeout sweep and at every request start. */
  clock: number;
  log(app: string | null, line: string): void;
  /** A dyno slot was given back: waiting requests of its app may proceed. */
  backendFreed(backend: Backend): void;
  /** Returns a dyno connection to its pool (or closes it). */
  checkin(conn: BackendConn, reusable: boolean, keepAliveMs: number): void;
  /**
   * Answers with the page for `code` (the app's custom page when it has one). `done` gets the
   * status and bytes written, for the log line.
   */
  sendCodePage(target: PageTarget, code: RouterCode, route: AppRoute | null, close: boolean, done: (status: number, bytes: number) => void): void;
}

/** Where a router-made response goes (the client connection). */
export interface PageTarget {
  readonly open: boolean;
  readonly via: string;
  respond(raw: string, close: boolean): number;
}
