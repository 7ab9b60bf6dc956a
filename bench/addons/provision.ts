// Add-on provisioning through a real `bin/berth up`: `POST /apps/:app/addons` for
// heroku-postgresql and heroku-redis, until the add-on's URL is usable (a query / an
// authenticated PING over the dyno bridge's gateway address, the path dynos take). The first
// PostgreSQL add-on of a Berth also initialises its cluster (`first_postgres`); the rest reuse it.
// Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/addons/provision.js [reps=10]
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';

const REPS = Number(process.argv[2] ?? 10);
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round = (ms: number) => Math.round(ms * 10) / 10;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { p50: at(0.5), p90: at(0.9), min: at(0), max: at(1), n: s.length };
}

async function pgUsable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
}

function redisUsable(url: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) });
    const auth = ['AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)];
    s.on('connect', () => s.write(`*3\r\n${auth.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}*1\r\n$4\r\nPING\r\n`));
    let text = '';
    s.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      if (text.includes('+PONG')) { s.destroy(); resolve(); } else if (text.startsWith('-')) { s.destroy(); reject(new Error(text)); }
    });
    s.on('error', reject);
  });
}

async function provisionOnce(berth: BerthProcess, plan: string, variable: string, usable: (url: string) => Promise<void>) {
  const app = `bench-${randomBytes(4).toString('hex')}`;
  if ((await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) })).status !== 201) throw new Error('app create failed');
  const t0 = performance.now();
  const created = await api(berth, `/apps/${app}/addons`, { method: 'POST', body: JSON.stringify({ plan }) });
  const apiMs = performance.now() - t0;
  if (created.status !== 201 || created.body.state !== 'provisioned') throw new Error(`provision failed: ${JSON.stringify(created.body)}`);
  const url = (await api(berth, `/apps/${app}/config-vars`)).body[variable] as string;
  await usable(url);
  return { api_ms: apiMs, usable_ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadBefore = load();
  process.stderr.write('starting berth up…\n');
  const berth = await startBerth();
  try {
    process.stderr.write('first PostgreSQL add-on (initdb + start)…\n');
    const first = await provisionOnce(berth, 'heroku-postgresql:essential-0', 'DATABASE_URL', pgUsable);
    const results: Record<string, { api_ms: number[]; usable_ms: number[] }> = { postgres: { api_ms: [], usable_ms: [] }, redis: { api_ms: [], usable_ms: [] } };
    for (let i = 0; i < REPS; i++) {
      process.stderr.write(`rep ${i + 1}/${REPS}\n`);
      for (const [key, plan, variable, usable] of [['postgres', 'heroku-postgresql:essential-0', 'DATABASE_URL', pgUsable], ['redis', 'heroku-redis:mini', 'REDIS_URL', redisUsable]] as const) {
        const r = await provisionOnce(berth, plan, variable, usable);
        results[key]!.api_ms.push(r.api_ms);
        results[key]!.usable_ms.push(r.usable_ms);
      }
    }
    const summary = (key: string) => ({ api: stats(results[key]!.api_ms), usable: stats(results[key]!.usable_ms), target_ms: 1000, meets_target_p50: stats(results[key]!.usable_ms).p50 <= 1000 });
    process.stdout.write(`${JSON.stringify({
      benchmark: 'addons/provision',
      started,
      reps: REPS,
      cores: cpus().length,
      loadavg_before: loadBefore,
      loadavg_after: load(),
      first_postgres: { api_ms: round(first.api_ms), usable_ms: round(first.usable_ms), note: 'includes initdb and the first start of the cluster' },
      postgres: summary('postgres'),
      redis: summary('redis'),
      path: 'POST /apps/:app/addons through bin/berth up, then the URL from config-vars, used from the host over the bridge gateway address',
    }, null, 2)}\n`);
  } finally {
    await berth.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
