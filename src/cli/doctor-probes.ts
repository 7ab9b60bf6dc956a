import { execFile } from 'node:child_process';
import { access, constants, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findOnPath } from './find-on-path.js';
import { ownCgroups } from '../core/cgroup-layout.js';
import { cgroupLayout, type CheckResult } from './doctor-report.js';

/** `berth doctor`'s checks of the kernel and the programs Berth runs: each one real, read-only and bounded. */

const PROGRAM_TIMEOUT_MS = 10_000;
/** The controllers dynos are limited and watched with. */
const DYNO_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;

interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: PROGRAM_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err ? err.message : '') });
    });
  });
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';
const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

export async function checkRoot(): Promise<CheckResult> {
  const uid = process.getuid?.() ?? -1;
  return uid === 0
    ? { name: 'root', status: 'ok', detail: 'running as root (sandboxes, cgroups and the dyno bridge need it)' }
    : { name: 'root', status: 'fail', detail: `running as uid ${uid}: bin/berth up creates namespaces, cgroups and a bridge`, fix: 'run bin/berth up (and this check) as root, e.g. with sudo' };
}

export async function checkNamespaces(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const max = Number((await readText('/proc/sys/user/max_user_namespaces'))?.trim() ?? 'NaN');
  const user: CheckResult =
    max > 0
      ? { name: 'user namespaces', status: 'ok', detail: `enabled (max_user_namespaces ${max})` }
      : { name: 'user namespaces', status: 'fail', detail: Number.isNaN(max) ? 'this kernel has no user namespaces' : 'disabled (max_user_namespaces 0)', fix: 'sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/)' };
  const unshare = await findOnPath('unshare', env.PATH);
  if (unshare === undefined) return [user, { name: 'network namespaces', status: 'fail', detail: 'unshare (util-linux) is missing, so they cannot be tried', fix: 'apt-get install util-linux' }];
  const trial = await runProgram(unshare, ['--net', '--pid', '--mount', '--fork', 'true'], env);
  const net: CheckResult =
    trial.code === 0
      ? { name: 'network namespaces', status: 'ok', detail: 'a new network, pid and mount namespace starts' }
      : { name: 'network namespaces', status: 'fail', detail: `unshare --net --pid --mount failed: ${firstLine(trial.stderr)}`, fix: 'run as root on a kernel with CONFIG_NET_NS, CONFIG_PID_NS (not inside a container that forbids them)' };
  return [user, net];
}

export async function checkOverlay(): Promise<CheckResult> {
  const filesystems = (await readText('/proc/filesystems')) ?? '';
  return /\boverlay$/m.test(filesystems)
    ? { name: 'overlayfs', status: 'ok', detail: 'available (each dyno\'s /app is an overlay on its slug)' }
    : { name: 'overlayfs', status: 'fail', detail: 'not in /proc/filesystems', fix: 'modprobe overlay (and add overlay to /etc/modules)' };
}

/** The cgroup layout and each dyno controller; `from` replaces /proc/self/mountinfo and /proc/self/cgroup (tests). */
export async function checkCgroups(from?: { mountinfo: string; procSelfCgroup: string }): Promise<CheckResult[]> {
  const found = cgroupLayout(from?.mountinfo ?? (await readText('/proc/self/mountinfo')) ?? '');
  const own = ownCgroups(from?.procSelfCgroup ?? (await readText('/proc/self/cgroup')) ?? '').unified ?? '/';
  const where = found.unifiedMount === undefined ? '' : ` (cgroup2 at ${found.unifiedMount})`;
  if (found.layout === 'none') return [{ name: 'cgroups', status: 'fail', detail: 'no cgroup filesystem is mounted', fix: 'mount cgroups (systemd does at boot) under /sys/fs/cgroup' }];
  const results: CheckResult[] = [];
  if (found.layout === 'unified' && found.unifiedMount !== undefined) {
    results.push({ name: 'cgroups', status: 'ok', detail: `unified layout${where}: Berth uses cgroup v2, in a subtree delegated to it (its service has Delegate=yes)` });
    for (const controller of DYNO_CONTROLLERS) results.push(await checkUnifiedController(controller, found.unifiedMount, own));
    return results;
  }
  results.push({ name: 'cgroups', status: 'ok', detail: `${found.layout} layout${where}; Berth uses cgroup v1, controllers: ${Object.keys(found.v1).sort().join(', ')}` });
  for (const controller of DYNO_CONTROLLERS) results.push(await checkController(controller, found.v1[controller], found.unifiedMount));
  return results;
}

async function checkController(controller: string, v1Mount: string | undefined, unifiedMount: string | undefined): Promise<CheckResult> {
  const name = `cgroup ${controller}`;
  if (v1Mount !== undefined) {
    try {
      await access(v1Mount, constants.W_OK);
    } catch {
      return { name, status: 'fail', detail: `v1 at ${v1Mount} is not writable`, fix: 'run as root; in a container, give it its own writable cgroup tree' };
    }
    if (controller === 'memory' && (await readText(join(v1Mount, 'memory.oom_control'))) === undefined) {
      return { name, status: 'fail', detail: `v1 at ${v1Mount} has no memory.oom_control (R15 detection needs it)`, fix: 'use a kernel with CONFIG_MEMCG' };
    }
    return { name, status: 'ok', detail: `usable on v1 at ${v1Mount}` };
  }
  if (unifiedMount !== undefined) {
    return { name, status: 'fail', detail: `only on the cgroup2 mount (${unifiedMount}) of a hybrid layout, where Berth uses v1`, fix: `boot with systemd.unified_cgroup_hierarchy=1 (all on v2), or put ${controller} on v1` };
  }
  return { name, status: 'fail', detail: 'not mounted', fix: `mount the ${controller} controller under /sys/fs/cgroup/${controller}` };
}

/** On cgroup v2 a controller must be offered by the kernel and delegated to the cgroup Berth runs in. */
async function checkUnifiedController(controller: string, mount: string, own: string): Promise<CheckResult> {
  const name = `cgroup ${controller}`;
  const offered = async (dir: string) => ((await readText(join(dir, 'cgroup.controllers'))) ?? '').trim().split(/\s+/).includes(controller);
  if (!(await offered(mount))) return { name, status: 'fail', detail: `not available on cgroup v2 at ${mount}`, fix: `enable the ${controller} controller (cgroup_enable=${controller} on the kernel command line)` };
  const ownDir = join(mount, own);
  if (!(await offered(ownDir))) {
    return {
      name,
      status: 'warn',
      detail: `on cgroup v2, but not delegated to this process's cgroup ${own}`,
      fix: 'run Berth as its service (berth service:install; the unit has Delegate=yes), or: systemd-run -p Delegate=yes --scope bin/berth up',
    };
  }
  return { name, status: 'ok', detail: `usable on v2 (delegated to ${own})` };
}

export async function checkBubblewrap(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const bwrap = await findOnPath('bwrap', env.PATH);
  if (bwrap === undefined) return { name: 'bubblewrap', status: 'fail', detail: 'bwrap is not installed (every dyno is a bubblewrap sandbox)', fix: 'apt-get install bubblewrap (scripts/install.sh does)' };
  const version = firstLine((await runProgram(bwrap, ['--version'], env)).stdout);
  const trial = await runProgram(bwrap, ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'], env);
  return trial.code === 0
    ? { name: 'bubblewrap', status: 'ok', detail: `${version}; a trial sandbox runs` }
    : { name: 'bubblewrap', status: 'fail', detail: `${version}, but a trial sandbox failed: ${firstLine(trial.stderr)}`, fix: 'run as root, with user and network namespaces enabled (see above)' };
}

/** The programs Berth runs, each with what it is for. */
const PROGRAMS: [string, string, string][] = [
  ['git', 'the git service (push, receive-pack)', 'git'],
  ['openssl', 'the local CA and certificates', 'openssl'],
  ['ip', 'the dyno bridge and veths', 'iproute2'],
  ['iptables-restore', 'the host firewall and NAT for dynos', 'iptables'],
  ['tar', 'slugs', 'tar'],
  ['redis-server', 'Redis add-ons', 'redis-server'],
];

export async function checkPrograms(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [program, purpose, pkg] of PROGRAMS) {
    const path = await findOnPath(program, `${env.PATH ?? ''}:/usr/sbin:/sbin`);
    results.push(
      path === undefined
        ? { name: program, status: 'fail', detail: `missing (${purpose})`, fix: `apt-get install ${pkg} (scripts/install.sh does)` }
        : { name: program, status: 'ok', detail: `${path}: ${purpose}` },
    );
  }
  results.push(await checkPostgres());
  return results;
}

async function checkPostgres(): Promise<CheckResult> {
  const root = '/usr/lib/postgresql';
  const majors = (await readdir(root).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    const present = await Promise.all(['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore'].map((p) => access(join(bin, p), constants.X_OK).then(() => true, () => false)));
    if (present.every(Boolean)) return { name: 'postgresql', status: 'ok', detail: `PostgreSQL ${major} in ${bin} (Postgres add-ons)` };
  }
  return { name: 'postgresql', status: 'fail', detail: `no ${root}/<version>/bin with initdb, pg_ctl, postgres, pg_dump and pg_restore (Postgres add-ons)`, fix: 'apt-get install postgresql (scripts/install.sh does)' };
}
