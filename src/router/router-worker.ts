/**
 * Entry module of a router worker process (forked by startRouterCluster through node:cluster).
 * Waits for `init`, serves with the route table it was given, applies diffs, and batches its
 * log lines to the primary over the log pipe (bounded; drops are counted and reported in-band,
 * like logplex's L10).
 */
import cluster from 'node:cluster';
import { Socket } from 'node:net';
import type { RouteDiff } from '../core/route-table.js';
import { LOG_FD, type FromWorker, type ToWorker } from './cluster-protocol.js';
import type { CertificatePair } from './sni.js';
import { startRouter, type RunningRouter } from './start-router.js';

const FLUSH_MS = 25;
const LOG_BUFFER_BYTES = 256 * 1024;
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

function send(msg: FromWorker): void {
  if (process.connected) process.send?.(msg);
}

function runWorker(): void {
  let router: RunningRouter | null = null;
  /** Route diffs that arrived while the router was starting: applied as soon as it runs. */
  const early: RouteDiff[] = [];
  // Log lines are copied straight into a buffer (one latin1 write each; lines are ASCII: the
  // formatter escapes the rest) and the buffer goes down the pipe every FLUSH_MS.
  let logBuf = Buffer.allocUnsafe(LOG_BUFFER_BYTES);
  let used = 0;
  let dropped = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let certId = 0;
  const certWaiters = new Map<number, (pair: CertificatePair | undefined) => void>();
  const logPipe = new Socket({ fd: LOG_FD, readable: false, writable: true });
  logPipe.on('error', () => undefined);

  const flush = () => {
    flushTimer = null;
    if (used > 0) {
      if (logPipe.writableLength > MAX_UNWRITTEN_BYTES) {
        dropped += logBuf.subarray(0, used).reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);
      } else {
        logPipe.write(logBuf.subarray(0, used));
        logBuf = Buffer.allocUnsafe(LOG_BUFFER_BYTES);
      }
      used = 0;
    }
    if (dropped > 0 && logPipe.writableLength <= MAX_UNWRITTEN_BYTES) {
      logPipe.write(`\tError L10 (output buffer overflow): ${dropped} router log lines dropped by worker ${process.pid}\n`, 'latin1');
      dropped = 0;
    }
  };

  const onLog = (app: string | null, line: string) => {
    const entry = app === null ? `\t${line}\n` : `${app}\t${line}\n`;
    if (used + entry.length > logBuf.length) {
      flush();
      if (entry.length > logBuf.length) {
        dropped++;
        return;
      }
    }
    used += logBuf.write(entry, used, 'latin1');
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  };

  const resolveCertificate = (servername: string) =>
    new Promise<CertificatePair | undefined>((resolve) => {
      const id = ++certId;
      const timer = setTimeout(() => {
        certWaiters.delete(id);
        resolve(undefined);
      }, 10_000);
      certWaiters.set(id, (pair) => {
        clearTimeout(timer);
        resolve(pair);
      });
      send({ t: 'cert?', id, servername });
    });

  process.on('message', (msg: ToWorker) => {
    switch (msg.t) {
      case 'init':
        startRouter({
          port: msg.port, host: msg.host, tlsPort: msg.tlsPort, table: msg.table, options: msg.options, onLog,
          onWake: (app) => send({ t: 'wake', app }),
          tls: msg.tls ? { cert: msg.tls.cert, key: msg.tls.key, ...(msg.tls.sni ? { resolveCertificate } : {}) } : undefined,
        }).then(
          (r) => {
            router = r;
            for (const diff of early.splice(0)) r.update(diff);
            send({ t: 'listening', ports: r.ports });
          },
          (err: Error) => {
            send({ t: 'failed', message: err.message });
            setTimeout(() => process.exit(1), 50);
          },
        );
        return;
      case 'update':
        if (router) router.update(msg.diff);
        else early.push(msg.diff);
        send({ t: 'ack', id: msg.id });
        return;
      case 'drain':
        if (!router) send({ t: 'drained', id: msg.id, drained: true }); // not serving yet: nothing in flight
        else void router.engine.drain(msg.host, msg.port, msg.timeoutMs).then((drained) => send({ t: 'drained', id: msg.id, drained }));
        return;
      case 'cert':
        certWaiters.get(msg.id)?.(msg.pair ?? undefined);
        certWaiters.delete(msg.id);
        return;
      case 'invalidate-cert':
        router?.sni?.invalidate(msg.servername);
        send({ t: 'ack', id: msg.id });
        return;
      case 'stats':
        if (router) send({ t: 'stats', id: msg.id, stats: router.engine.stats() });
        return;
      case 'stop':
        (router ? router.stop(msg.graceMs) : Promise.resolve()).finally(() => {
          flush();
          logPipe.end(() => process.exit(0));
          setTimeout(() => process.exit(0), 1_000).unref();
        });
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ t: 'hello' });
}

if (cluster.isWorker) runWorker();
