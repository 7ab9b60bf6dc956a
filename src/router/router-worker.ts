/**
 * Entry module of a router worker process (forked by startRouterCluster through node:cluster).
 * Waits for `init`, serves with the route table it was given, applies diffs, and batches its
 * log lines back to the primary (bounded; drops are counted and reported in-band).
 */
import cluster from 'node:cluster';
import type { FromWorker, ToWorker } from './cluster-protocol.js';
import type { CertificatePair } from './sni.js';
import { startRouter, type RunningRouter } from './start-router.js';

const FLUSH_MS = 25;
const MAX_PENDING_LINES = 20_000;

function send(msg: FromWorker): void {
  if (process.connected) process.send?.(msg);
}

function runWorker(): void {
  let router: RunningRouter | null = null;
  let pending: string[] = [];
  let dropped = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let certId = 0;
  const certWaiters = new Map<number, (pair: CertificatePair | undefined) => void>();

  const flush = () => {
    flushTimer = null;
    if (dropped > 0) {
      pending.push(`\tError L10 (output buffer overflow): ${dropped} router log lines dropped by worker ${process.pid}`);
      dropped = 0;
    }
    if (pending.length === 0) return;
    const data = pending.join('\n');
    pending = [];
    send({ t: 'logs', data });
  };

  const onLog = (app: string | null, line: string) => {
    if (pending.length >= MAX_PENDING_LINES) dropped++;
    else pending.push(`${app ?? ''}\t${line}`);
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
          tls: msg.tls ? { cert: msg.tls.cert, key: msg.tls.key, ...(msg.tls.sni ? { resolveCertificate } : {}) } : undefined,
        }).then(
          (r) => {
            router = r;
            send({ t: 'listening', ports: r.ports });
          },
          (err: Error) => {
            send({ t: 'failed', message: err.message });
            setTimeout(() => process.exit(1), 50);
          },
        );
        return;
      case 'update':
        router?.update(msg.diff);
        send({ t: 'ack', id: msg.id });
        return;
      case 'cert':
        certWaiters.get(msg.id)?.(msg.pair ?? undefined);
        certWaiters.delete(msg.id);
        return;
      case 'invalidate-cert':
        router?.sni?.invalidate(msg.servername);
        return;
      case 'stats':
        if (router) send({ t: 'stats', id: msg.id, stats: router.engine.stats() });
        return;
      case 'stop':
        (router ? router.stop(msg.graceMs) : Promise.resolve()).finally(() => {
          flush();
          setTimeout(() => process.exit(0), 20);
        });
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ t: 'hello' });
}

if (cluster.isWorker) runWorker();
