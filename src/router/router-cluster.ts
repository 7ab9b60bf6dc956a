import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RouteTable, type RouteDiff, type RouteSnapshot } from '../core/route-table.js';
import type { Readable } from 'node:stream';
import { LOG_FD, type FromWorker, type ToWorker } from './cluster-protocol.js';
import type { RouterStats } from './router-engine.js';
import type { RouterOptions } from './router-options.js';
import type { RouterTls } from './start-router.js';

export interface RouterClusterOptions {
  /** Worker processes; default: one per core. */
  workers?: number;
  port: number;
  host: string;
  tlsPort?: number;
  tls?: RouterTls;
  table: RouteSnapshot;
  /** Router log lines from every worker; `app` null when no app was identified. */
  onLog(app: string | null, line: string): void;
  /** A worker got a request for an idled app: wake its web dynos (each worker asks once per idle spell). */
  onWake?(app: string): void;
  options?: Partial<RouterOptions>;
  /** Node flags for the workers (e.g. `--cpu-prof`); default: this process's. */
  execArgv?: string[];
  /** How long to wait for workers to listen. */
  startTimeoutMs?: number;
}

export interface RouterCluster {
  ports: { http: number; https?: number };
  /** Applies a diff in every worker; resolves once each live worker has applied it. */
  update(diff: RouteDiff): Promise<void>;
  /**
   * Resolves once every worker has applied the diffs sent before (so none routes new requests to
   * the dyno at `address` if they removed it) and has no request in flight to it: true then, false
   * when `timeoutMs` ran out first. Called before a dyno gets SIGTERM.
   */
  drain(address: { host: string; port: number }, timeoutMs: number): Promise<boolean>;
  /**
   * Forgets a cached certificate in every worker (after sni-endpoint changes); resolves once
   * each live worker has, so no handshake that starts afterwards gets the old certificate.
   */
  invalidateCertificate(servername?: string): Promise<void>;
  stats(): Promise<RouterStats[]>;
  /** Stops every worker (in-flight requests get `graceMs`), no restarts afterwards. */
  stop(graceMs?: number): Promise<void>;
}

/** Splits a worker's log pipe into lines (`app\tline`) for onLog. */
function readLogPipe(w: Worker, onLog: RouterClusterOptions['onLog']): void {
  const pipe = w.process.stdio[LOG_FD] as Readable | null | undefined;
  if (!pipe) return;
  let rest = '';
  pipe.setEncoding('latin1');
  pipe.on('data', (text: string) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop() ?? '';
    for (const entry of lines) {
      const tab = entry.indexOf('\t');
      try {
        onLog(tab <= 0 ? null : entry.slice(0, tab), entry.slice(tab + 1));
      } catch {
        // a failing log sink must not take the router's primary down
      }
    }
  });
  pipe.on('error', () => undefined);
}

/** The worker entry module (compiled next to this file). */
export const routerWorkerModule = fileURLToPath(new URL('./router-worker.js', import.meta.url));

const RESTART_DELAY_MS = 500;
const ACK_TIMEOUT_MS = 5_000;

/**
 * Forks the router workers from this process (the primary stays off the accept path:
 * SCHED_NONE, the kernel hands connections to workers). The primary keeps the current table so
 * a worker that dies is replaced with an up-to-date one.
 */
export async function startRouterCluster(o: RouterClusterOptions): Promise<RouterCluster> {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({
    exec: routerWorkerModule, args: [], execArgv: o.execArgv ?? process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'], // fd 4 (LOG_FD): router log lines
  });
  const count = Math.max(1, o.workers ?? availableParallelism());
  const table = new RouteTable(o.table);
  const workers = new Set<Worker>();
  const waiting = new Map<number, { left: Set<Worker>; done: () => void; data?: unknown[] }>();
  let nextId = 0;
  let stopping = false;
  let ports: { http: number; https?: number } | null = null;

  // Workers always ask for the configured ports: the primary shares one listening socket per
  // (host, port) key, so port 0 gives every worker the same random port (as long as one lives).
  const init = (): ToWorker => ({
    t: 'init', port: o.port, host: o.host, table: table.snapshot(), options: o.options ?? {},
    ...(o.tlsPort !== undefined ? { tlsPort: o.tlsPort } : {}),
    ...(o.tls ? { tls: { cert: o.tls.cert, key: o.tls.key, sni: o.tls.resolveCertificate !== undefined } } : {}),
  });

  const settle = (w: Worker, id?: number) => {
    for (const [key, wait] of waiting) {
      if ((id === undefined || id === key) && wait.left.delete(w) && wait.left.size === 0) {
        waiting.delete(key);
        wait.done();
      }
    }
  };

  const onMessage = (w: Worker, msg: FromWorker) => {
    switch (msg.t) {
      case 'ack':
        return settle(w, msg.id);
      case 'stats':
        waiting.get(msg.id)?.data?.push(msg.stats);
        return settle(w, msg.id);
      case 'drained':
        waiting.get(msg.id)?.data?.push(msg.drained);
        return settle(w, msg.id);
      case 'cert?': {
        const reply = (pair: { cert: string; key: string } | undefined) => {
          if (w.isConnected()) w.send({ t: 'cert', id: msg.id, pair: pair ?? null } satisfies ToWorker);
        };
        Promise.resolve()
          .then(() => o.tls?.resolveCertificate?.(msg.servername))
          .then(reply, () => reply(undefined));
        return;
      }
      case 'wake':
        if (typeof msg.app === 'string') o.onWake?.(msg.app);
        return;
      default:
        return;
    }
  };

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork();
      workers.add(w);
      readLogPipe(w, o.onLog);
      const timer = setTimeout(() => reject(new Error(`router worker ${w.process.pid} did not listen within ${o.startTimeoutMs ?? 10_000} ms`)), o.startTimeoutMs ?? 10_000);
      w.on('message', (msg: FromWorker) => {
        if (msg.t === 'hello') {
          w.send(init());
        } else if (msg.t === 'listening') {
          clearTimeout(timer);
          ports ??= msg.ports;
          resolve(w);
        } else if (msg.t === 'failed') {
          clearTimeout(timer);
          reject(new Error(`router worker could not start: ${msg.message}`));
        } else onMessage(w, msg);
      });
      w.on('exit', () => {
        clearTimeout(timer);
        workers.delete(w);
        settle(w);
        if (!stopping && ports !== null) setTimeout(() => void fork().catch(() => undefined), RESTART_DELAY_MS).unref();
      });
      w.on('error', () => undefined);
    });

  /** Sends a message to every live worker; resolves once each answered (or died), or after timeoutMs (false). */
  const broadcast = (make: (id: number) => ToWorker, collect?: unknown[], timeoutMs = ACK_TIMEOUT_MS): Promise<boolean> =>
    new Promise((resolve) => {
      const id = ++nextId;
      const left = new Set([...workers].filter((w) => w.isConnected()));
      if (left.size === 0) return resolve(true);
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(false);
      }, timeoutMs);
      waiting.set(id, { left, data: collect, done: () => { clearTimeout(timer); resolve(true); } });
      for (const w of left) w.send(make(id));
    });

  const stop = async (graceMs = 0) => {
    stopping = true;
    await Promise.all([...workers].map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      const kill = setTimeout(() => w.process.kill('SIGKILL'), graceMs + 3_000);
      w.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      if (w.isConnected()) w.send({ t: 'stop', graceMs } satisfies ToWorker);
      else w.process.kill('SIGTERM');
    })));
  };

  try {
    // The first worker creates the shared listening socket (port 0 → the port all share).
    await fork();
    await Promise.all(Array.from({ length: count - 1 }, fork));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    ports: ports as unknown as { http: number; https?: number },
    async update(diff) {
      table.apply(diff);
      await broadcast((id) => ({ t: 'update', id, diff }));
    },
    async drain(address, timeoutMs) {
      // Sent after every update so far on each worker's ordered channel: a worker answers once
      // it has applied them and its last request to the dyno has finished.
      const answers: unknown[] = [];
      const all = await broadcast((id) => ({ t: 'drain', id, host: address.host, port: address.port, timeoutMs }), answers, timeoutMs + ACK_TIMEOUT_MS);
      return all && answers.every((drained) => drained === true);
    },
    async invalidateCertificate(servername) {
      await broadcast((id) => ({ t: 'invalidate-cert', id, ...(servername !== undefined ? { servername } : {}) }));
    },
    async stats() {
      const data: RouterStats[] = [];
      await broadcast((id) => ({ t: 'stats', id }), data);
      return data;
    },
    stop,
  };
}
