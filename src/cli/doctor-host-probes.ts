import { lookup } from 'node:dns/promises';
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import type { CheckResult } from './doctor-report.js';

/** `berth doctor`'s checks of this host's ports, disk and DNS for the install it would run. */

const GIB = 1024 ** 3;

export interface PortPlan {
  name: string;
  port: number;
}

/** The ports a running Berth of this data dir holds (from its berth.json), with its pid. */
async function runningBerth(dataDir: string): Promise<{ pid: number; ports: number[] } | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, 'berth.json'), 'utf8')) as Record<string, unknown>;
    const pid = Number(info.pid);
    process.kill(pid, 0);
    const ports = ['api_port', 'api_tls_port', 'router_port', 'router_tls_port'].map((k) => Number(info[k])).filter((n) => n > 0);
    return { pid, ports };
  } catch {
    return undefined;
  }
}

export async function checkPorts(plans: readonly PortPlan[], bind: string, dataDir: string): Promise<CheckResult[]> {
  const berth = await runningBerth(dataDir);
  const results: CheckResult[] = [];
  for (const { name, port } of plans) {
    const label = `port ${port}`;
    const error = await tryListen(port, bind);
    if (error === undefined) {
      results.push({ name: label, status: 'ok', detail: `free on ${bind} (${name})` });
    } else if (error === 'EADDRINUSE') {
      if (berth?.ports.includes(port)) {
        results.push({ name: label, status: 'ok', detail: `held by the Berth running from ${dataDir} (pid ${berth.pid}) for ${name}` });
        continue;
      }
      const owner = await portOwner(port);
      results.push({ name: label, status: 'fail', detail: `taken${owner === undefined ? '' : ` by ${owner}`}: Berth's ${name} cannot listen`, fix: `stop that process, or start Berth with another ${name} port` });
    } else if (error === 'EACCES') {
      results.push({ name: label, status: 'fail', detail: `binding it needs privileges (${name})`, fix: 'run as root, or give node cap_net_bind_service (setcap cap_net_bind_service=+ep $(command -v node))' });
    } else {
      results.push({ name: label, status: 'fail', detail: `cannot listen on ${bind}:${port}: ${error}`, fix: 'check --bind: it must be an address of this host' });
    }
  }
  return results;
}

function tryListen(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** `pid 123 (nginx)` for the process listening on a TCP port, from /proc (root sees every process). */
export async function portOwner(port: number): Promise<string | undefined> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of (await readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
        return `pid ${pid} (${comm})`;
      }
    }
  }
  return undefined;
}

export async function checkDisk(dataDir: string): Promise<CheckResult> {
  let dir = dataDir;
  for (;;) {
    try {
      const stats = await statfs(dir);
      const free = stats.bavail * stats.bsize;
      const detail = `${(free / GIB).toFixed(1)} GiB free for ${dataDir}${dir === dataDir ? '' : ` (on the filesystem of ${dir})`}`;
      if (free < GIB) return { name: 'disk', status: 'fail', detail, fix: 'free space: slugs, build caches and add-on data live under the data dir (berth admin:disk shows usage)' };
      if (free < 5 * GIB) return { name: 'disk', status: 'warn', detail, fix: 'at least 5 GiB is comfortable for builds and slugs' };
      return { name: 'disk', status: 'ok', detail };
    } catch {
      if (dirname(dir) === dir) return { name: 'disk', status: 'fail', detail: `cannot read the filesystem of ${dataDir}`, fix: 'check the data dir path' };
      dir = dirname(dir);
    }
  }
}

export async function checkDns(domain: string): Promise<CheckResult> {
  const name = `dns ${domain}`;
  if (domain === 'localhost' || domain.endsWith('.localhost')) {
    return { name, status: 'ok', detail: `apps at <app>.${domain}: browsers and curl resolve *.localhost to loopback` };
  }
  const probe = `berth-doctor-${Math.random().toString(36).slice(2, 8)}.${domain}`;
  let addresses: string[];
  try {
    addresses = (await lookup(probe, { all: true })).map((a) => a.address);
  } catch (err) {
    return { name, status: 'fail', detail: `${probe} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'}): apps at <app>.${domain} are unreachable`, fix: `add a wildcard DNS record: *.${domain} A (and AAAA) → this host's public address` };
  }
  const own = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
  if (addresses.some((a) => own.has(a))) return { name, status: 'ok', detail: `*.${domain} resolves to this host (${addresses.join(', ')})` };
  return { name, status: 'warn', detail: `*.${domain} resolves to ${addresses.join(', ')}, not an address of this host`, fix: 'fine behind NAT or a load balancer that forwards ports 80/443 here; otherwise point the wildcard record at this host' };
}

export function checkNode(): CheckResult {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 20
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : { name: 'node', status: 'fail', detail: `Node.js ${process.versions.node}; Berth needs 20 or newer`, fix: 'install Node.js 20+' };
}
