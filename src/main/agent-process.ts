import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../agent/agent-client.js';
import type { AgentContract } from '../agent/agent-contract.js';
import { connectRpc } from '../agent/json-rpc.js';
import { agentPaths, instancePrefix } from './agent-paths.js';
import { checkPortFree } from './port-holder.js';

export interface AgentSettings {
  dataDir: string;
  domain: string;
  bind: string;
  routerPort: number;
  routerTlsPort: number;
  rendezvousPort: number;
  /** Hidden test setting: R14 and runtime-metrics every N ms instead of every 20 s (an adopted agent keeps its own). */
  metricsIntervalMs?: number;
  /** Router worker processes (default: one per core; an adopted agent keeps its own). */
  workers?: number;
  /** `--allow-private-urls`: ranges drains and custom error pages may reach (an agent with others is replaced). */
  allowPrivateUrls: readonly string[];
  /** Dynos run on the stack images of this cache; absent: on the host root. */
  stackCache?: string;
}

const agentEntry = fileURLToPath(new URL('./agent.js', import.meta.url));

/**
 * Connects to this instance's host agent, starting it (detached, so it outlives this process)
 * when none answers. An agent left by an earlier run is adopted with its dynos, unless it was
 * started with other router or --allow-private-urls settings: then it is replaced.
 */
export async function ensureAgent(settings: AgentSettings, log: (message: string) => void): Promise<{ client: AgentClient; adopted: boolean; routerPorts: { http: number; https?: number } }> {
  const paths = agentPaths(settings.dataDir);
  const existing = await connectRpc<AgentContract>(paths.agentSocket).catch(() => undefined);
  if (existing) {
    const client = new AgentClient(existing);
    const hello = await client.hello();
    const ports = hello.routerPorts;
    const wanted = (port: number, actual: number | undefined) => port === 0 || port === actual;
    // An agent without the field predates the egress guard: its drains and router would fetch
    // tenant URLs unchecked, so it is replaced too.
    const sameAllowance = hello.allowPrivateUrls !== undefined && hello.allowPrivateUrls.join(' ') === settings.allowPrivateUrls.join(' ')
      && (hello.stackCache ?? null) === (settings.stackCache ?? null);
    if (hello.domain === settings.domain && sameAllowance && wanted(settings.routerPort, ports.http) && wanted(settings.routerTlsPort, ports.https) && wanted(settings.rendezvousPort, hello.rendezvousPort)) {
      log(`adopted the running host agent (pid ${String(hello.pid)}) with ${hello.dynos.length} dyno(s)`);
      return { client, adopted: true, routerPorts: ports };
    }
    log('the running host agent has other router, --allow-private-urls or --dyno-root settings; replacing it');
    await client.shutdown(true);
    await client.closed;
    // Its router must have let go of the ports before the new agent (and the check below) binds them.
    await waitForExit(Number(hello.pid), 20_000);
  }
  // A port another process holds fails here, naming it, rather than as an agent that died starting.
  await checkPortFree(settings.routerPort, settings.bind, '--router-port');
  await checkPortFree(settings.routerTlsPort, settings.bind, '--router-tls-port');
  await mkdir(paths.run, { recursive: true, mode: 0o700 });
  const logFile = await open(paths.agentLog, 'a', 0o600);
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      agentEntry,
      '--data-dir', settings.dataDir,
      '--prefix', instancePrefix(settings.dataDir),
      '--domain', settings.domain,
      '--bind', settings.bind,
      '--router-port', String(settings.routerPort),
      '--router-tls-port', String(settings.routerTlsPort),
      '--rendezvous-port', String(settings.rendezvousPort),
      ...(settings.metricsIntervalMs !== undefined ? ['--metrics-interval-ms', String(settings.metricsIntervalMs)] : []),
      ...(settings.workers !== undefined ? ['--workers', String(settings.workers)] : []),
      ...settings.allowPrivateUrls.flatMap((range) => ['--allow-private-urls', range]),
      ...(settings.stackCache ? ['--stack-cache', settings.stackCache] : []),
    ],
    { detached: true, stdio: ['ignore', logFile.fd, logFile.fd], env },
  );
  child.unref();
  await logFile.close();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let attempt = 0; attempt < 300; attempt++) {
    const rpc = await connectRpc<AgentContract>(paths.agentSocket).catch(() => undefined);
    if (rpc) {
      const client = new AgentClient(rpc);
      const hello = await client.hello();
      return { client, adopted: false, routerPorts: hello.routerPorts };
    }
    const code = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
    if (code !== undefined) throw new Error(`The host agent exited with status ${String(code)} while starting; see ${paths.agentLog}.`);
  }
  throw new Error(`The host agent did not answer within 15 s; see ${paths.agentLog}.`);
}

/**
 * Stops the host agent and every dyno it runs, and waits for its process to exit (the agent
 * closes its socket before it has stopped its runtime): asked over `client` when connected, by
 * SIGTERM to the recorded pid otherwise (the agent stops its dynos and itself on SIGTERM too).
 */
export async function stopAgent(client: AgentClient | undefined, dataDir: string): Promise<void> {
  const recorded = Number((await readFile(agentPaths(dataDir).agentPid, 'utf8').catch(() => '')).trim());
  const pid = (await client?.hello().then((hello) => Number(hello.pid), () => undefined)) ?? (recorded > 0 ? recorded : undefined);
  const asked = client ? await client.shutdown(true).then(() => true, () => false) : false;
  if (asked) await client?.closed;
  else if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (pid) await waitForExit(pid, 20_000);
}

/** Resolves once process `pid` is gone, or after `timeoutMs`. */
async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
