// `pgbench -S` (select-only) against an add-on database on Berth's own PostgreSQL server, run
// from a one-off dyno through the dyno network (veth → bridge → gateway address) and from the
// host against the same address, alternating, so the ratio shows what the dyno network costs.
// Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/addons/pgbench.js [rounds=3] [seconds=8] [clients=4] [scale=5]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AddonServers } from '../../src/addons/addon-servers.js';
import { postgresBinDir } from '../../src/addons/postgres-server.js';
import { PostgresProvider } from '../../src/addons/postgres-provider.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { hostAddress, parseCidr } from '../../src/runtime/subnet.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 8);
const CLIENTS = Number(process.argv[4] ?? 4);
const SCALE = Number(process.argv[5] ?? 5);
const PGBENCH = join(postgresBinDir(), 'pgbench');
const run = promisify(execFile);
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const tpsOf = (out: string): number => Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-pgbench-'));
  const runtime = new Runtime({ prefix: `p${randomUUID().slice(0, 5)}`, stateDir: join(root, 'dynos'), standby: 0 });
  let servers: AddonServers | undefined;
  try {
    await runtime.prepare();
    const subnet = runtime.subnet;
    servers = new AddonServers({ dir: join(root, 'addons'), host: hostAddress(parseCidr(subnet)!, 1), subnet, log: (m) => process.stderr.write(`${m}\n`) });
    const provider = new PostgresProvider({
      target: async () => {
        const e = await servers!.ensurePostgres();
        return { admin: { host: e.socketDir, port: e.port, user: 'postgres', database: 'postgres' }, host: e.host, port: e.port };
      },
    });
    const result = await provider.provision({ addonId: randomUUID(), addonName: 'postgresql-bench-1', plan: 'standard-0', appId: randomUUID(), appName: 'bench', options: {}, callbackUrl: '' });
    if (result.state !== 'provisioned') throw new Error('not provisioned');
    const url = result.config.URL!;
    process.stderr.write(`pgbench -i -s ${SCALE}…\n`);
    await run(PGBENCH, ['-i', '-q', '-s', String(SCALE), url], { timeout: 600_000, env: { PATH: '/usr/bin:/bin' } });
    const args = ['-S', '-n', '-c', String(CLIENTS), '-j', String(Math.min(CLIENTS, 2)), '-T', String(SECONDS)];
    const host: number[] = [];
    const dyno: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      process.stderr.write(`round ${i + 1}/${ROUNDS}: host…\n`);
      host.push(tpsOf((await run(PGBENCH, [...args, url], { timeout: (SECONDS + 60) * 1000, env: { PATH: '/usr/bin:/bin' } })).stdout));
      process.stderr.write(`round ${i + 1}/${ROUNDS}: dyno…\n`);
      const d = await runtime.start({
        id: randomUUID(), appId: 'bench-app', appName: 'bench', name: 'run.1', command: `${PGBENCH} ${args.join(' ')} "$DATABASE_URL" 2>&1`,
        env: { DATABASE_URL: url }, size: 'standard-1x', network: 'bridge', app: { kind: 'empty' }, timeoutMs: (SECONDS + 60) * 1000,
      });
      let out = '';
      d.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
      d.stderr.resume();
      await d.exited;
      const tps = tpsOf(out);
      if (Number.isNaN(tps)) throw new Error(`pgbench in the dyno failed:\n${out}`);
      dyno.push(tps);
    }
    process.stdout.write(`${JSON.stringify({
      benchmark: 'addons/pgbench',
      cores: cpus().length,
      loadavg_after: load(),
      settings: { rounds: ROUNDS, seconds: SECONDS, clients: CLIENTS, scale: SCALE, mode: 'pgbench -S (select only)' },
      host_tps: host.map(Math.round),
      dyno_tps: dyno.map(Math.round),
      median_host_tps: Math.round(median(host)),
      median_dyno_tps: Math.round(median(dyno)),
      ratio_dyno_to_host: Math.round((median(dyno) / median(host)) * 100) / 100,
      target_ratio: 0.9,
      note: 'both against the add-on URL (bridge gateway address); the dyno path adds its veth and the bridge; pgbench and the server share the 2 cores',
    }, null, 2)}\n`);
  } finally {
    await servers?.stopAll();
    await runtime.shutdown({ killDynos: true });
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
