// Certificate issuance per domain against pebble (Let's Encrypt's test CA), through a real
// `bin/berth up` with ACME on: for each of N apps, from `POST /apps` to its `<app>.<domain>`
// showing `acm_status: cert issued`, then the first TLS handshake that serves it. The time covers
// the reachability check through the router, the order, HTTP-01 validation by pebble against the
// router, finalization, and the certificate reaching the router. Pebble runs with
// PEBBLE_VA_NOSLEEP=1 (no artificial validation delay); a real CA adds its own latency.
// Prints JSON. Needs pebble (scripts/install.sh --bench or --test) and root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/acme-issuance/run.js [apps=10]
import { loadavg } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { startDnsResponder } from '../../test/support/dns-responder.js';
import { freePort, PEBBLE_API_CA, startPebble, type Pebble } from '../../test/support/pebble.js';

const APPS = Number(process.argv[2] ?? 10);
const DOMAIN = 'bench-acme.example.com';
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round = (ms: number) => Math.round(ms);

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { p50: at(0.5), p90: at(0.9), min: at(0), max: at(1), n: s.length };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function servedIssuer(berth: BerthProcess, hostname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: berth.runtime.router_tls_port as number, servername: hostname, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()?.issuer ?? '');
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadBefore = load();
  const dns = await startDnsResponder((name) => (name === DOMAIN || name.endsWith(`.${DOMAIN}`) ? '127.0.0.1' : undefined));
  const pebblePort = await freePort();
  let berth: BerthProcess | undefined;
  let pebble: Pebble | undefined;
  const issued: number[] = [];
  const serving: number[] = [];
  try {
    process.stderr.write('starting berth up…\n');
    berth = await startBerth({
      args: ['--domain', DOMAIN, '--acme', 'on', '--acme-directory', `https://127.0.0.1:${pebblePort}/dir`, '--acme-ca-cert', PEBBLE_API_CA, '--acme-dns-server', dns.address, '--acme-retry-ms', '200', '--acme-interval-ms', '60000'],
    });
    pebble = await startPebble({ port: pebblePort, httpPort: berth.runtime.router_port, dnsServer: dns.address });
    // A first app makes the ACME account (not counted).
    const warm = 'acme-warm';
    await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: warm }) });
    await until('the warm-up certificate', async () => ((await api(berth as BerthProcess, `/apps/${warm}/domains`)).body[0]?.acm_status === 'cert issued' ? true : undefined));
    for (let i = 1; i <= APPS; i++) {
      const app = `acme-bench-${i}`;
      const hostname = `${app}.${DOMAIN}`;
      const t0 = performance.now();
      const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name: app }) });
      if (created.status !== 201) throw new Error(`POST /apps: ${created.status}`);
      await until(`${hostname} cert issued`, async () => {
        const [domain] = (await api(berth as BerthProcess, `/apps/${app}/domains`)).body as Array<{ acm_status: string | null; acm_status_reason: string | null }>;
        if (domain?.acm_status === 'failing') throw new Error(`${hostname}: ${domain.acm_status_reason}`);
        return domain?.acm_status === 'cert issued' ? true : undefined;
      });
      issued.push(performance.now() - t0);
      await until(`${hostname} served`, async () => ((await servedIssuer(berth as BerthProcess, hostname)).includes('Pebble') ? true : undefined));
      serving.push(performance.now() - t0);
      process.stderr.write(`${hostname}: ${round(issued.at(-1) as number)} ms\n`);
    }
  } finally {
    await berth?.destroy();
    await pebble?.stop();
    await dns.close();
  }
  process.stdout.write(`${JSON.stringify({
    bench: 'acme-issuance',
    started,
    apps: APPS,
    ca: 'pebble v2.10.3 (PEBBLE_VA_NOSLEEP=1), HTTP-01 through the router, ECDSA P-256 keys',
    ms_from_app_create: { cert_issued: stats(issued), served_by_router: stats(serving) },
    load_before: loadBefore,
    load_after: load(),
  }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
