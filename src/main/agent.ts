#!/usr/bin/env node
/**
 * The host agent process (see ARCHITECTURE.md, "Processes"): started detached by `bin/berth up`,
 * it outlives the control plane. It owns the dynos (runtime), the log channels (logplex) and is
 * the primary of the router workers. Flags are set by src/main/agent-process.ts.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AddonServers } from '../addons/addon-servers.js';
import { CertificateBook } from '../agent/certificate-book.js';
import { HostAgent } from '../agent/host-agent.js';
import { reapOrphanDynos } from '../agent/reap-orphans.js';
import { Rendezvous } from '../agent/rendezvous.js';
import { EgressGuard } from '../egress/egress-guard.js';
import { DrainManager } from '../logplex/drain-manager.js';
import { LogChannels } from '../logplex/log-channels.js';
import { createLogSessionServer } from '../logplex/log-session-server.js';
import { LogSessions } from '../logplex/log-sessions.js';
import { issueCertificate } from '../pki/certificate-authority.js';
import { startRouterCluster } from '../router/router-cluster.js';
import { removeStaleSandboxes, Runtime } from '../runtime/runtime.js';
import { DEFAULT_STACK } from '../core/stacks.js';
import { currentStackImage } from '../stacks/current-image.js';
import { hostNode } from './stack-images.js';
import { hostAddress, parseCidr } from '../runtime/subnet.js';
import { agentPaths } from './agent-paths.js';

/** The bridge's own address (.1) in the instance subnet: where dynos reach host services. */
const gatewayOf = (subnet: string): string => hostAddress(parseCidr(subnet)!, 1);

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} agent: ${message}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      prefix: { type: 'string' },
      domain: { type: 'string' },
      bind: { type: 'string' },
      'router-port': { type: 'string' },
      'router-tls-port': { type: 'string' },
      workers: { type: 'string' },
      'rendezvous-port': { type: 'string' },
      // Hidden, for tests: R14 and runtime-metrics every N ms instead of every 20 s.
      'metrics-interval-ms': { type: 'string' },
      'allow-private-urls': { type: 'string', multiple: true },
      // Dynos run on the berth-24 run image from this per-host cache; absent: on the host root.
      'stack-cache': { type: 'string' },
    },
  });
  const dataDir = values['data-dir'] as string;
  const prefix = values.prefix as string;
  const domain = values.domain as string;
  const allowPrivateUrls = values['allow-private-urls'] ?? [];
  const stackCache = values['stack-cache'] ?? null;
  const paths = agentPaths(dataDir);
  await mkdir(paths.run, { recursive: true, mode: 0o700 });

  const reaped = await reapOrphanDynos(prefix, paths.dynos);
  if (reaped > 0) log(`reaped ${reaped} dyno(s) left by a previous agent`);
  const stale = await removeStaleSandboxes(paths.dynos);
  if (stale > 0) log(`removed ${stale} stale sandbox directories`);

  const channels = await LogChannels.open({ dir: paths.logs, onError: (err) => log(`logplex: ${err.message}`) });
  const drains = await DrainManager.open({ channels, stateFile: join(paths.logs, 'drains.json'), egress: new EgressGuard(allowPrivateUrls) });
  const sessions = new LogSessions({ channels, pathPrefix: '/log-sessions/' });
  const sessionServer = createLogSessionServer(sessions);
  await rm(paths.logSocket, { force: true });
  await new Promise<void>((resolve) => sessionServer.listen(paths.logSocket, resolve));

  // The bridge keeps its /24 across clean stops when it is still free: add-on URLs carry its gateway.
  const lastSubnet = (await readFile(paths.subnet, 'utf8').catch(() => '')).trim();
  const runtime = new Runtime({
    prefix,
    stateDir: paths.dynos,
    warn: (m) => log(m),
    ...(lastSubnet ? { preferredSubnet: lastSubnet } : {}),
    // The current run image, re-read at each start: a stack update reaches every new dyno.
    ...(stackCache ? { stackImage: currentStackImage(stackCache, DEFAULT_STACK.name, 'run'), hostNode: hostNode() } : {}),
  });
  await runtime.prepare();
  if (runtime.subnet !== lastSubnet) {
    if (lastSubnet) log(`the dyno subnet ${lastSubnet} is taken; using ${runtime.subnet} (add-on URLs of the old gateway no longer work)`);
    await writeFile(paths.subnet, `${runtime.subnet}\n`, { mode: 0o600 });
  }

  // Add-on data servers on the bridge gateway: adopted if they still run, else started (in the
  // background: the control plane's first call waits for PostgreSQL if it needs it).
  // Their ports are the only ones of the host that dynos may reach (host-firewall.ts).
  const addons = new AddonServers({
    dir: join(dataDir, 'addons'),
    host: gatewayOf(runtime.subnet),
    subnet: runtime.subnet,
    log: (m) => log(`addons: ${m}`),
    onPorts: (ports) => runtime.offerHostPorts(ports),
  });
  void addons.startExisting().catch((err: unknown) => log(`addons: ${err instanceof Error ? err.message : String(err)}`));

  const tls = join(dataDir, 'tls');
  const minted = new Map<string, Promise<{ cert: string; key: string } | undefined>>();
  // Certificates uploaded as SNI endpoints (custom domains), pushed by the control plane.
  const certificates = new CertificateBook();
  let agent: HostAgent | undefined;
  const router = await startRouterCluster({
    port: Number(values['router-port'] ?? 8080),
    host: values.bind ?? '127.0.0.1',
    ...(values['router-tls-port'] !== undefined
      ? {
          tlsPort: Number(values['router-tls-port']),
          tls: {
            cert: await readFile(join(tls, 'server.crt'), 'utf8'),
            key: await readFile(join(tls, 'server.key'), 'utf8'),
            // Node and curl refuse `*.localhost`-style wildcards, so each app host gets its own
            // certificate from the local CA, minted on first use and cached.
            resolveCertificate: (servername: string) => {
              const uploaded = certificates.find(servername);
              if (uploaded) return Promise.resolve(uploaded);
              const host = servername.toLowerCase();
              if (!host.endsWith(`.${domain}`) || !/^[a-z0-9.-]+$/.test(host)) return Promise.resolve(undefined);
              let pair = minted.get(host);
              if (!pair) {
                pair = issueCertificate(tls, `app-${host.replace(/[^a-z0-9-]/g, '-')}`, [host]).then(
                  (c) => ({ cert: c.cert.toString(), key: c.key.toString() }),
                  () => undefined,
                );
                minted.set(host, pair);
              }
              return pair;
            },
          },
        }
      : {}),
    table: { domain, apps: [] },
    options: { cookieDomain: domain.toLowerCase(), allowPrivateUrls },
    workers: values.workers !== undefined ? Number(values.workers) : undefined,
    onLog: (app, line) => agent?.routerLog(app, line),
    onWake: (app) => void agent?.wake(app),
  });

  const rendezvous = new Rendezvous({ cert: await readFile(join(tls, 'server.crt')), key: await readFile(join(tls, 'server.key')) });
  const rendezvousPort = await rendezvous.listen(Number(values['rendezvous-port'] ?? 5001), values.bind ?? '127.0.0.1');

  let shuttingDown = false;
  const shutdown = async (killDynos: boolean) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down${killDynos ? ' and stopping every dyno' : ''}`);
    if (killDynos) await agent?.supervisor.stopAll(10_000);
    // A clean stop stops the add-on servers too; otherwise the next agent adopts them.
    if (killDynos) await addons.stopAll(10_000);
    else addons.releaseAll();
    rendezvous.close();
    await router.stop(5_000);
    await agent?.close();
    sessions.close();
    sessionServer.close();
    await drains.close();
    await channels.close();
    await runtime.shutdown({ killDynos });
    await rm(paths.agentPid, { force: true });
    await rm(paths.agentSocket, { force: true });
    process.exit(0);
  };
  // Before the socket and pid file exist: whoever finds either may send SIGTERM at once.
  process.on('SIGTERM', () => void shutdown(true));
  process.on('SIGINT', () => void shutdown(true));

  agent = new HostAgent({
    domain,
    addons,
    runtime,
    channels,
    sessions,
    drains,
    pushRoutes: (diff) => router.update(diff),
    drainRoute: (address, timeoutMs) => router.drain(address, timeoutMs),
    now: () => Date.now(),
    onShutdown: ({ killDynos }) => void shutdown(killDynos),
    rendezvous: { server: rendezvous, publicHost: domain, port: rendezvousPort },
    certificates,
    invalidateCertificate: (servername) => router.invalidateCertificate(servername),
    info: { pid: process.pid, domain, prefix, routerPorts: router.ports, rendezvousPort, allowPrivateUrls, stackCache, startedAt: new Date().toISOString() },
    ...(values['metrics-interval-ms'] !== undefined ? { metricsEveryMs: Number(values['metrics-interval-ms']) } : {}),
  });
  await agent.listen(paths.agentSocket);
  await writeFile(paths.agentPid, `${process.pid}\n`, { mode: 0o600 });
  log(`ready: router on ${JSON.stringify(router.ports)}, socket ${paths.agentSocket}`);
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
