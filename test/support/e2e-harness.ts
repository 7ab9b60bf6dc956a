// The e2e harness: one `bin/berth up` per describe block (useBerth), apps created and pushed
// through it, and a shut down that leaves nothing behind (processes, cgroups, links, netns,
// host firewall chains).

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { instancePrefix } from '../../src/main/agent-paths.js';
import { removeHostFirewall } from '../../src/runtime/host-firewall.js';
import { api, startBerth, type BerthProcess } from './berth-process.js';
import { appRepo, type AppRepo, type PushResult } from './git-push.js';
import { createApp } from './spine.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface DeployedApp {
  app: string;
  repo: AppRepo;
  pushed: PushResult;
}

/** The suite's Berth (a BerthProcess from its `before` on) with what its tests do to it. */
export interface BerthSuite extends BerthProcess {
  /** Creates the app `<prefix>-<random>` as the admin (or as the owner of `key`); returns its name. */
  createApp(prefix: string, key?: string): Promise<string>;
  /** A git repo of a fixture app (test/fixtures/apps) that pushes to `app`; removed at shut down. */
  repo(app: string, fixture: string): Promise<AppRepo>;
  /** Creates an app and pushes a fixture to it; the push must succeed. */
  deploy(prefix: string, fixture: string): Promise<DeployedApp>;
  /** A non-admin account and an API key for it. */
  createAccount(email: string, password: string): Promise<{ key: string }>;
  /** A temp dir removed at shut down. */
  tempDir(prefix: string): Promise<string>;
  /** Runs at shut down, once Berth stopped (daemons, files). */
  onShutDown(cleanup: () => Promise<unknown>): void;
  /**
   * Stops the control plane only (SIGHUP, as `systemctl reload berth` does) and starts a new one
   * on the same data dir and API port; it adopts the running agent, router and dynos.
   */
  restartControlPlane(): Promise<void>;
}

/**
 * Starts a Berth before the tests of the enclosing describe block (`args` after the defaults,
 * which include `--workers 1`) and shuts it down after them, asserting that nothing of it is left.
 * Call it at the top of the describe block, before the block's own hooks.
 */
export function useBerth(options: { args?: string[]; env?: Record<string, string> } = {}): BerthSuite {
  let berth: BerthProcess | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  const running = (): BerthProcess => {
    if (!berth) throw new Error('useBerth: Berth is not running (used outside the tests of its describe block?)');
    return berth;
  };
  const suite: BerthSuite = {
    get dataDir() { return running().dataDir; },
    get child() { return running().child; },
    get runtime() { return running().runtime; },
    get adminKey() { return running().adminKey; },
    get apiUrl() { return running().apiUrl; },
    output: () => running().output(),
    stop: (signal) => running().stop(signal),
    destroy: () => running().destroy(),
    createApp: (prefix, key) => createApp(running(), `${prefix}-${suffix()}`, key),
    async repo(app, fixture) {
      const repo = await appRepo(running(), app, fixture);
      cleanups.push(() => repo.remove());
      return repo;
    },
    async deploy(prefix, fixture) {
      const app = await suite.createApp(prefix);
      const repo = await suite.repo(app, fixture);
      const pushed = await repo.push();
      assert.equal(pushed.code, 0, `pushing ${fixture} to ${app}:\n${pushed.stdout}${pushed.stderr}`);
      return { app, repo, pushed };
    },
    async createAccount(email, password) {
      const account = await api(running(), '/accounts', { method: 'POST', body: JSON.stringify({ email, password }) });
      assert.equal(account.status, 201, JSON.stringify(account.body));
      assert.equal(account.body.berth_admin, false);
      const authorization = await api(running(), '/oauth/authorizations', {
        method: 'POST',
        body: JSON.stringify({ description: `e2e key for ${email}`, scope: ['global'] }),
        headers: { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` },
      });
      assert.equal(authorization.status, 201, JSON.stringify(authorization.body));
      return { key: authorization.body.access_token.token as string };
    },
    async tempDir(prefix) {
      const dir = await mkdtemp(join(tmpdir(), `berth-e2e-${prefix}-`));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    onShutDown(cleanup) {
      cleanups.push(cleanup);
    },
    async restartControlPlane() {
      const old = running();
      const port = new URL(old.apiUrl).port;
      assert.equal(await old.stop('SIGHUP'), 0, 'the control plane exits cleanly on SIGHUP');
      berth = undefined;
      berth = await startBerth({ dataDir: old.dataDir, args: [...(options.args ?? []), '--api-port', port], ...(options.env ? { env: options.env } : {}) });
    },
  };
  before(async () => {
    berth = await startBerth({ ...(options.args ? { args: options.args } : {}), ...(options.env ? { env: options.env } : {}) });
  });
  after(async () => {
    const left = await shutDown(berth);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    assert.deepEqual(left, [], 'nothing of berth outlives it: no agent, router or dyno process, cgroup, link or netns');
  });
  return suite;
}

/** A short random suffix for names unique per run. */
export const suffix = () => Math.random().toString(36).slice(2, 7);

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

/** Network links (bridges, veths), named netns, cgroups and host firewall chains (`berth-<prefix>[c]-in`)
 *  that carry the instance prefix of `dataDir`. */
export async function kernelObjectsOf(dataDir: string): Promise<{ links: string[]; netns: string[]; cgroups: string[]; chains: string[] }> {
  const prefix = instancePrefix(dataDir);
  const links = (await readdir('/sys/class/net').catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((name) => name.startsWith(`berth-${prefix}-`));
  const { stdout } = await run('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-type', 'd', '-name', `berth-${prefix}*`]).catch(() => ({ stdout: '' }));
  const rules = await run('/usr/sbin/iptables', ['-w', '-S']).catch(() => ({ stdout: '' }));
  const chains = [...rules.stdout.matchAll(/^-N (berth-(\S+)-in)$/gm)].filter((m) => m[2] === prefix || m[2] === `${prefix}c`).map((m) => m[1]!);
  return { links, netns, cgroups: stdout.split('\n').filter(Boolean), chains };
}

/** Removes the host firewall chains (and their INPUT jumps) named by kernelObjectsOf. */
async function removeChains(chains: string[]): Promise<void> {
  for (const chain of chains) {
    const p = /^berth-(\S+)-in$/.exec(chain)![1]!;
    await removeHostFirewall(`${p}br`, chain, `berth-${p}`);
  }
}

/** Those of `before` (lines from processesOf) that still run the same command. */
async function stillRunning(before: string[]): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args='], { maxBuffer: 16 * 1024 * 1024 });
  const now = new Set(stdout.split('\n').map((line) => line.trim()));
  return before.filter((line) => now.has(line));
}

/** Removes what a Berth that did not stop cleanly left: dyno scratch mounts, cgroups, links, netns. */
async function removeRemains(dataDir: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
  for (const target of mounts.filter((m) => m.startsWith(`${dataDir}/`)).reverse()) await run('umount', ['-l', target]).catch(() => undefined);
  const { links, netns, cgroups, chains } = await kernelObjectsOf(dataDir);
  for (const dir of cgroups) await run('find', [dir, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']).catch(() => undefined);
  for (const name of netns) await run('ip', ['netns', 'del', name]).catch(() => undefined);
  for (const link of links) await run('ip', ['link', 'del', link]).catch(() => undefined);
  await removeChains(chains);
}

/**
 * A control plane killed with SIGKILL cannot remove its bridges (nor their host firewall chains);
 * a test that killed one on purpose and never restarted on that data dir removes them here, once
 * no dyno port is left.
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
 * dir. Anything of it left afterwards (a process, including router workers orphaned by their
 * agent; a cgroup, link or netns) is removed and returned, so a test can fail on it without
 * leaking. `killedEarlier`: a control plane of this data dir was killed on purpose, so its empty
 * bridges are expected and removed silently.
 */
export async function shutDown(berth: BerthProcess | undefined, options: { killedEarlier?: boolean } = {}): Promise<string[]> {
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
  if (left.length > 0) {
    await waitFor('the processes left by berth to die after SIGKILL', async () => (await stillRunning(left)).length === 0, 10_000).catch(() => undefined);
  }
  if (options.killedEarlier) await removeEmptyBridges(berth.dataDir);
  const objects = await kernelObjectsOf(berth.dataDir);
  const remains = [...objects.cgroups.map((c) => `cgroup ${c}`), ...objects.links.map((l) => `link ${l}`), ...objects.netns.map((n) => `netns ${n}`), ...objects.chains.map((c) => `iptables chain ${c}`)];
  const found = [...left, ...remains];
  if (found.length > 0) {
    await removeRemains(berth.dataDir);
    // What Berth said last (a warning about its network, a failed stop) explains most leftovers.
    found.push(`berth output, last lines:\n${berth.output().split('\n').slice(-25).join('\n')}`);
  }
  await rm(berth.dataDir, { recursive: true, force: true }).catch(() => undefined);
  return found;
}
