/**
 * Berth's router as benchmarked: startRouterCluster (one worker per core) in this primary, route
 * table with 1000 apps (app0..app999) all on the two benchmark dynos. Router log lines are
 * produced and shipped to this primary as in production, then counted and dropped.
 * argv: port dynoPort1 dynoPort2 [workers] [nolog]. Prints "ready <port>". With `nolog`, at=info
 * lines are not produced (a diagnostic of what the log lines cost).
 */
import { availableParallelism } from 'node:os';
import { startRouterCluster } from '../../src/router/router-cluster.js';

const [port, p1, p2, workers] = process.argv.slice(2, 6).map(Number);
const logInfo = process.argv[6] !== 'nolog';
let lines = 0;
const backends = [
  { dynoName: 'web.1', host: '127.0.0.1', port: p1 as number, state: 'up' as const },
  { dynoName: 'web.2', host: '127.0.0.1', port: p2 as number, state: 'up' as const },
];
const apps = Array.from({ length: 1000 }, (_, i) => ({ app: `app${i}`, domains: [], maintenance: false, crashed: false, backends }));
const cluster = await startRouterCluster({
  workers: workers || availableParallelism(), port: port as number, host: '127.0.0.1', execArgv: process.execArgv,
  table: { domain: 'bench.test', apps },
  options: { logInfo },
  onLog: () => {
    lines++;
  },
});
process.stdout.write(`ready ${cluster.ports.http}\n`);
process.on('SIGTERM', () => {
  void cluster.stop().then(() => {
    process.stderr.write(`router log lines: ${lines}\n`);
    process.exit(0);
  });
});
