import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { readdir, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { instancePrefix } from '../../src/main/agent-paths.js';
import { removeHostFirewall } from '../../src/runtime/host-firewall.js';
import { api, type BerthProcess } from './berth-process.js';

const run = promisify(execFile);

export interface RouterReply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A GET through the router at Host `<app>.<domain>`, as a browser would send it. */
export function routerGet(berth: BerthProcess, app: string, path = '/', timeoutMs = 10_000): Promise<RouterReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: berth.runtime.router_port, path, agent: false, headers: { host: `${app}.${berth.runtime.domain}:${berth.runtime.router_port}` }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on ${app} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The app's log backlog as plain text: `POST /apps/:app/log-sessions`, then GET the logplex_url. */
export async function appLogs(berth: BerthProcess, app: string, lines = 1500): Promise<string> {
  const session = await api(berth, `/apps/${app}/log-sessions`, { method: 'POST', body: JSON.stringify({ lines, tail: false }) });
  if (session.status !== 201) throw new Error(`log-sessions answered ${session.status}: ${JSON.stringify(session.body)}`);
  const response = await fetch(session.body.logplex_url as string, { signal: AbortSignal.timeout(10_000) });
  return response.text();
}

/**
 * Polls `probe` until it returns something other than undefined/false, at most `timeoutMs`.
 * The error names `what` and the last value seen, so a failure says what never happened.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until the logs contain every pattern; returns the logs. */
export function waitForLogs(berth: BerthProcess, app: string, patterns: RegExp[], timeoutMs = 30_000): Promise<string> {
  let seen = '';
  return waitFor(
    `log lines ${patterns.map(String).join(', ')} of ${app}`,
    async () => {
      seen = await appLogs(berth, app);
      return patterns.every((p) => p.test(seen)) ? seen : undefined;
    },
    timeoutMs,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- logs ---\n${seen.split('\n').slice(-60).join('\n')}`);
  });
}

export interface DynoJson {
  id: string;
  name: string;
  type: string;
  state: string;
  command: string;
  release: { id: string; version: number };
  attach_url: string | null;
}

export async function dynos(berth: BerthProcess, app: string): Promise<DynoJson[]> {
  const reply = await api(berth, `/apps/${app}/dynos`);
  if (reply.status !== 200) throw new Error(`GET dynos answered ${reply.status}`);
  return reply.body as DynoJson[];
}

/** Waits until `check` holds for the app's dynos; returns them. */
export async function waitForDynos(berth: BerthProcess, app: string, what: string, check: (list: DynoJson[]) => boolean, timeoutMs = 30_000): Promise<DynoJson[]> {
  let last: DynoJson[] = [];
  try {
    return await waitFor(`${app}: ${what}`, async () => {
      last = await dynos(berth, app);
      return check(last) ? last : undefined;
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}; dynos: ${last.map((d) => `${d.name}:${d.state}:v${d.release.version}`).join(' ') || 'none'}`);
  }
}

/** Creates an app (201) and returns its name. */
export async function createApp(berth: BerthProcess, name: string): Promise<string> {
  const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name }) });
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return name;
}

/**
 * Processes of the Berth on `dataDir`: the control plane and agent (their command line names the
 * data dir), dynos and build dynos (their cgroups carry the instance prefix), and every
 * descendant of those (router workers, sandbox helpers).
 */
export async function processesOf(dataDir: string): Promise<string[]> {
  const cgroupName = `/berth-${instancePrefix(dataDir)}`;
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args='], { maxBuffer: 16 * 1024 * 1024 });
  const rows = stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] as string }))
    .filter((row) => row.pid !== process.pid && !row.args.startsWith('ps -eo'));
  const mine = new Set<number>();
  for (const row of rows) {
    const cgroups = await readFile(`/proc/${row.pid}/cgroup`, 'utf8').catch(() => '');
    if (row.args.includes(dataDir) || cgroups.includes(cgroupName)) mine.add(row.pid);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (!mine.has(row.pid) && mine.has(row.ppid)) grew = mine.add(row.pid) !== undefined;
  }
  return rows.filter((row) => mine.has(row.pid)).map((row) => `${row.pid} ${row.args}`);
}

/** Those of `before` (lines from processesOf) that still run the same command. */
async function stillRunning(before: string[]): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args='], { maxBuffer: 16 * 1024 * 1024 });
  const now = new Set(stdout.split('\n').map((line) => line.trim()));
  return before.filter((line) => now.has(line));
}

/** After killing a Berth's processes: unmounts dyno scratch dirs and removes its cgroups. */
async function removeRemains(dataDir: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
  for (const target of mounts.filter((m) => m.startsWith(`${dataDir}/`)).reverse()) await run('umount', ['-l', target]).catch(() => undefined);
  const name = `berth-${instancePrefix(dataDir)}`;
  const { stdout } = await run('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-type', 'd', '-name', `${name}*`]).catch(() => ({ stdout: '' }));
  for (const dir of stdout.split('\n').filter(Boolean)) await run('find', [dir, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']).catch(() => undefined);
}

/**
 * A control plane killed with SIGKILL cannot remove its bridges (nor their host firewall chains); a
 * test that never restarts on that data dir removes them here, once no dyno port is left on them.
 */
async function removeEmptyBridges(dataDir: string): Promise<void> {
  const prefix = instancePrefix(dataDir);
  for (const p of [prefix, `${prefix}c`]) {
    const bridge = `${p}br`;
    const ports = await readdir(`/sys/class/net/${bridge}/brif`).catch(() => undefined);
    if (ports && ports.length > 0) continue;
    if (ports) await run('ip', ['link', 'del', bridge]).catch(() => undefined);
    await removeHostFirewall(bridge, `berth-${p}-in`, `berth-${p}`);
  }
}

/**
 * Stops a Berth (SIGTERM: the control plane stops the agent and every dyno) and removes its data
 * dir; anything of it still running afterwards (including router workers orphaned by their agent)
 * is killed and returned, so a test can fail on it without leaking processes.
 */
export async function shutDown(berth: BerthProcess | undefined): Promise<string[]> {
  if (!berth) return [];
  const before = await processesOf(berth.dataDir);
  await berth.stop();
  const left = [...new Set([...(await processesOf(berth.dataDir)), ...(await stillRunning(before))])];
  for (const line of left) {
    try {
      process.kill(Number(/^\d+/.exec(line)?.[0]), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (left.length > 0) await removeRemains(berth.dataDir);
  await removeEmptyBridges(berth.dataDir);
  await rm(berth.dataDir, { recursive: true, force: true }).catch(() => undefined);
  return left;
}

/** A short random suffix for app names unique per run. */
export const suffix = () => Math.random().toString(36).slice(2, 7);
