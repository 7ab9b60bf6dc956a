// Wake from idle → first byte, through a real `bin/berth up` (`--idle-after-ms 1000`): a small
// Node web app (test/fixtures/apps/node-web with `web: node server.js`, or its `npm start` with
// `npm`) on autoidle; each round waits until web.1 is idle, then times one GET through the router
// from the request to the response's first byte (the router holds it, the agent starts the dyno).
// A warm GET (dyno up) is the baseline. Prints JSON with p50/p95. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/idle-wake/run.js [rounds=15] [node|npm]
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { shutDown } from '../../test/support/e2e-harness.js';
import { appRepo, writeAppFile, type AppRepo } from '../../test/support/git-push.js';
import { createApp, waitForDynos } from '../../test/support/spine.js';

const ROUNDS = Number(process.argv[2] ?? 15);
const COMMAND = process.argv[3] === 'npm' ? 'npm start' : 'node server.js';

/** ms from sending the request to the response head (the first byte), and the status. */
function firstByte(berth: BerthProcess, app: string, path: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ host: '127.0.0.1', port: berth.runtime.router_port, path, agent: false, headers: { host: `${app}.${berth.runtime.domain}` }, timeout: 90_000 }, (res) => {
      const ms = performance.now() - start;
      res.resume();
      res.on('end', () => resolve({ ms: Math.round(ms * 10) / 10, status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
const summary = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95), min: Math.min(...values), max: Math.max(...values) });

async function main(): Promise<void> {
  let berth: BerthProcess | undefined;
  let repo: AppRepo | undefined;
  try {
    berth = await startBerth({ args: ['--idle-after-ms', '1000'], timeoutMs: 120_000 });
    const app = `wake-${Math.random().toString(36).slice(2, 6)}`;
    await createApp(berth, app);
    repo = await appRepo(berth, app, 'node-web');
    const pushed = await repo.push((dir) => writeAppFile(dir, 'Procfile', `web: ${COMMAND}\n`));
    if (pushed.code !== 0) throw new Error(`push: ${pushed.stderr}`);
    await waitForDynos(berth, app, 'web.1 up', (l) => l.some((d) => d.state === 'up'), 60_000);
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) warm.push((await firstByte(berth, app, `/warm-${i}`)).ms);
    await api(berth, `/apps/${app}/features/autoidle`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    const wake: number[] = [];
    const failures: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await waitForDynos(berth, app, 'web.1 idle', (l) => l.length === 1 && l[0]?.state === 'idle', 60_000);
      const { ms, status } = await firstByte(berth, app, `/wake-${i}`);
      if (status === 200) wake.push(ms);
      else failures.push(status);
      await waitForDynos(berth, app, 'web.1 up', (l) => l.length === 1 && l[0]?.state === 'up', 60_000);
    }
    process.stdout.write(`${JSON.stringify({
      bench: 'idle-wake',
      app: 'node-web',
      command: COMMAND,
      rounds: ROUNDS,
      wake_first_byte_ms: summary(wake),
      warm_first_byte_ms: summary(warm),
      failed_wakes: failures,
      load: loadavg().map((v) => Math.round(v * 100) / 100),
    }, null, 2)}\n`);
  } finally {
    await shutDown(berth);
    await repo?.remove().catch(() => undefined);
  }
}

await main();
