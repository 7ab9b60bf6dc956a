// A directory tree laid out like a cgroup2 mount, for the v2 backend's contract tests on hosts
// whose controllers are on v1. It is the "kernel" of that tree: mkdir fills a group with the
// interface files of the controllers its parent enables, writes are checked the way cgroupfs
// checks them (unknown file ENOENT, bad value EINVAL, a controller not offered, or enabled for a
// group with processes, EBUSY/ENOENT), cgroup.procs moves a live pid between groups, cgroup.kill
// SIGKILLs the members, rmdir refuses a group with live members or children. The kernel's own
// doings (an OOM kill, memory and CPU use) are methods the tests call.
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CgroupFs } from '../../src/runtime/cgroup-v2.js';

const OFFERED = 'cpuset cpu io memory pids';

const error = (code: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${path}`), { code });
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function controllerFiles(controllers: string[], cpus: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (controllers.includes('memory')) {
    Object.assign(files, {
      'memory.max': 'max\n', 'memory.high': 'max\n', 'memory.low': '0\n', 'memory.swap.max': 'max\n', 'memory.current': '0\n', 'memory.swap.current': '0\n',
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n', 'memory.stat': 'anon 0\nfile 0\nkernel 0\nshmem 0\n',
    });
  }
  if (controllers.includes('cpu')) Object.assign(files, { 'cpu.max': 'max 100000\n', 'cpu.weight': '100\n', 'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n' });
  if (controllers.includes('pids')) Object.assign(files, { 'pids.max': 'max\n', 'pids.current': '0\n', 'pids.events': 'max 0\n' });
  if (controllers.includes('cpuset')) Object.assign(files, { 'cpuset.cpus': '\n', 'cpuset.mems': '\n', 'cpuset.cpus.effective': `${cpus}\n`, 'cpuset.mems.effective': '0\n' });
  return files;
}

export class EmulatedCgroup2 implements CgroupFs {
  private constructor(
    /** Where the tree is "mounted". */
    readonly mount: string,
    /** Berth's own (delegated) group, relative to the mount, as /proc/self/cgroup shows it. */
    readonly own: string,
  ) {}

  /** A root offering every controller and Berth's own group `/berth.service` holding `members`. */
  static async create(members: number[], offered = OFFERED): Promise<EmulatedCgroup2> {
    const mount = await mkdtemp(join(tmpdir(), 'berth-cgroup2-'));
    const tree = new EmulatedCgroup2(mount, '/berth.service');
    await writeFile(join(mount, 'cgroup.controllers'), `${offered}\n`);
    await writeFile(join(mount, 'cgroup.subtree_control'), `${offered}\n`);
    await writeFile(join(mount, 'cgroup.procs'), '');
    await writeFile(join(mount, 'cpuset.cpus.effective'), '0-1\n');
    await tree.mkdir(join(mount, 'berth.service'));
    await writeFile(join(mount, 'berth.service', 'cgroup.procs'), members.map((p) => `${p}\n`).join(''));
    return tree;
  }

  async mkdir(path: string): Promise<void> {
    const enabled = (await readFile(join(dirname(path), 'cgroup.subtree_control'), 'utf8')).trim().split(/\s+/).filter(Boolean);
    await mkdir(path);
    const files: Record<string, string> = {
      'cgroup.procs': '', 'cgroup.controllers': `${enabled.join(' ')}\n`, 'cgroup.subtree_control': '\n', 'cgroup.events': 'populated 0\nfrozen 0\n', 'cgroup.kill': '',
      ...controllerFiles(enabled, '0-1'),
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(path, name), text);
  }

  async rmdir(path: string): Promise<void> {
    const entries = await readdir(path, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory()) || (await this.members(path)).length > 0) throw error('EBUSY', path);
    await rm(path, { recursive: true });
  }

  async read(path: string): Promise<string> {
    const name = basename(path);
    if (name === 'cgroup.procs') return (await this.members(dirname(path))).map((p) => `${p}\n`).join('');
    if (name === 'pids.current') return `${(await this.members(dirname(path))).length}\n`;
    return readFile(path, 'utf8');
  }

  async write(path: string, value: string): Promise<void> {
    const dir = dirname(path);
    const name = basename(path);
    await readFile(path).catch(() => { throw error('ENOENT', path); });
    if (name === 'cgroup.procs') return this.move(Number(value.trim()), dir);
    if (name === 'cgroup.kill') {
      if (value.trim() !== '1') throw error('EINVAL', path);
      for (const pid of await this.members(dir)) process.kill(pid, 'SIGKILL');
      return;
    }
    if (name === 'cgroup.subtree_control') return this.control(dir, value);
    const ok = /^(memory\.(max|high|low|swap\.max)|pids\.max)$/.test(name) ? /^(max|\d+)$/.test(value.trim())
      : name === 'cpu.max' ? /^(max|\d+) \d+$/.test(value.trim())
      : name === 'cpu.weight' ? /^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= 10_000
      : /^cpuset\.(cpus|mems)$/.test(name);
    if (!ok) throw error('EINVAL', `${path} (${value})`);
    await writeFile(path, `${value.trim()}\n`);
  }

  /** The kernel's OOM killer in the group: counts it in memory.events and SIGKILLs every member. */
  async oomKill(dir: string): Promise<void> {
    await this.bump(join(dir, 'memory.events'), 'oom_kill', 1);
    await this.bump(join(dir, 'memory.events'), 'oom', 1);
    for (const pid of await this.members(dir)) process.kill(pid, 'SIGKILL');
  }

  /** The group's members now use `bytes` of anonymous memory. */
  async charge(dir: string, bytes: number): Promise<void> {
    await writeFile(join(dir, 'memory.current'), `${bytes}\n`);
    await writeFile(join(dir, 'memory.stat'), `anon ${bytes}\nfile 0\nkernel 0\nshmem 0\n`);
  }

  /** The group's members ran for `usec` of CPU time. */
  async useCpu(dir: string, usec: number): Promise<void> {
    await this.bump(join(dir, 'cpu.stat'), 'usage_usec', usec);
  }

  async cleanup(): Promise<void> {
    await rm(this.mount, { recursive: true, force: true });
  }

  private async members(dir: string): Promise<number[]> {
    const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map(Number).filter(alive);
  }

  private async move(pid: number, to: string): Promise<void> {
    if (!Number.isInteger(pid) || !alive(pid)) throw error('ESRCH', String(pid));
    const enabled = (await readFile(join(to, 'cgroup.subtree_control'), 'utf8')).trim();
    if (to !== this.mount && enabled !== '') throw error('EBUSY', `${to} has controllers enabled for its children (no internal processes)`);
    for (const dir of await this.groups(this.mount)) {
      const rest = (await this.members(dir)).filter((p) => p !== pid);
      await writeFile(join(dir, 'cgroup.procs'), rest.map((p) => `${p}\n`).join(''));
    }
    await writeFile(join(to, 'cgroup.procs'), [...(await this.members(to)), pid].map((p) => `${p}\n`).join(''));
  }

  private async control(dir: string, value: string): Promise<void> {
    const offered = (await readFile(join(dir, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/);
    const enabled = new Set((await readFile(join(dir, 'cgroup.subtree_control'), 'utf8')).trim().split(/\s+/).filter(Boolean));
    for (const token of value.trim().split(/\s+/)) {
      const controller = token.slice(1);
      if (!offered.includes(controller)) throw error('ENOENT', `${controller} is not offered in ${dir}`);
      if (token.startsWith('+')) enabled.add(controller);
      else enabled.delete(controller);
    }
    if (dir !== this.mount && enabled.size > 0 && (await this.members(dir)).length > 0) throw error('EBUSY', `${dir} has processes`);
    await writeFile(join(dir, 'cgroup.subtree_control'), `${[...enabled].join(' ')}\n`);
    // Children get the newly enabled controllers' files.
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const child = join(dir, entry.name);
      await writeFile(join(child, 'cgroup.controllers'), `${[...enabled].join(' ')}\n`);
      for (const [name, text] of Object.entries(controllerFiles([...enabled], '0-1'))) {
        if (!(await readFile(join(child, name)).then(() => true, () => false))) await writeFile(join(child, name), text);
      }
    }
  }

  private async groups(dir: string): Promise<string[]> {
    const found = [dir];
    for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isDirectory()) found.push(...(await this.groups(join(dir, entry.name))));
    return found;
  }

  private async bump(path: string, key: string, by: number): Promise<void> {
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(new RegExp(`^${key} (\\d+)$`, 'm'), (_, n: string) => `${key} ${Number(n) + by}`));
  }
}
