/**
 * Dedicated CPUs for performance dynos (cgroup v1 cpuset). Every dyno of the instance has a
 * cpuset group under the instance's one; a shared dyno's group holds the shared CPUs (all the
 * instance may use minus those dedicated), a performance dyno's group holds CPUs no other dyno of
 * the instance runs on (core/cpu-list.ts chooses them, always leaving one CPU shared). Dedicating
 * CPUs first narrows every shared group, then widens the new one; a dedicated group going away
 * widens the shared groups again. Dedicated groups carry `cpuset.mem_hardwall` = 1, which is how
 * they are told apart on disk (no in-memory list to lose when the agent restarts; on a one-node
 * host the flag changes nothing else, on several it keeps the dyno's kernel memory on its nodes).
 * On cgroup v2 there is no such flag: the dedicated groups are remembered in memory (a new agent
 * reaps every dyno the old one left, so nothing needs to survive it), and the CPUs come from the
 * instance group's own `cpuset.cpus.effective`.
 * Not confined: Berth's own processes, build dynos of another runtime instance and the rest of
 * the host still run on every CPU.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chooseDedicatedCpus, formatCpuList, parseCpuList } from '../core/cpu-list.js';
import { RuntimeError } from './errors.js';

const read = (path: string): Promise<string> => readFile(path, 'utf8').then((t) => t.trim());
const ignoreGone = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'ENOENT') throw err;
};

export class CpuSets {
  #queue: Promise<unknown> = Promise.resolve();
  #shared: string;
  /** cgroup v2: the dedicated groups (v1 marks them on disk). */
  #dedicated: Set<string> | undefined;

  private constructor(
    /** The instance's cpuset group. */
    readonly dir: string,
    /** Every CPU the instance may use. */
    readonly all: readonly number[],
    private readonly mems: string,
    version: 'v1' | 'v2',
  ) {
    this.#shared = formatCpuList(all);
    this.#dedicated = version === 'v2' ? new Set() : undefined;
  }

  /** Sets up the instance's group (`dir`, already made) with its parent's CPUs and memory nodes. */
  static async open(dir: string, version: 'v1' | 'v2' = 'v1'): Promise<CpuSets> {
    const parent = dirname(dir);
    const cpus = version === 'v2'
      ? await read(join(dir, 'cpuset.cpus.effective'))
      : (await read(join(parent, 'cpuset.effective_cpus')).catch(() => '')) || (await read(join(parent, 'cpuset.cpus')));
    const mems = version === 'v2'
      ? await read(join(dir, 'cpuset.mems.effective'))
      : (await read(join(parent, 'cpuset.effective_mems')).catch(() => '')) || (await read(join(parent, 'cpuset.mems')));
    // A child of a cpuset group starts with no CPUs and no memory nodes; nothing may join it until both are set.
    if ((await read(join(dir, 'cpuset.mems'))) === '') await writeFile(join(dir, 'cpuset.mems'), mems);
    if ((await read(join(dir, 'cpuset.cpus'))) === '') await writeFile(join(dir, 'cpuset.cpus'), cpus);
    const sets = new CpuSets(dir, parseCpuList(cpus), mems, version);
    await sets.serially(() => sets.rebalance());
    return sets;
  }

  /** The CPUs shared dynos run on now (`0-1`). */
  get shared(): string {
    return this.#shared;
  }

  /** A new dyno group (`group`, made in `dir`): its memory nodes and the shared CPUs, before anything joins it. */
  admit(group: string): Promise<void> {
    return this.serially(async () => {
      await writeFile(join(group, 'cpuset.mems'), this.mems);
      await writeFile(join(group, 'cpuset.cpus'), this.#shared);
    });
  }

  /**
   * Gives `group` up to `want` CPUs of its own and moves every shared dyno off them; throws
   * RuntimeError `no_dedicated_cpu` (naming `label`) when not one CPU is free.
   */
  dedicate(group: string, want: number, label: string): Promise<number[]> {
    return this.serially(async () => {
      const held = new Set<number>();
      for (const [dir, cpus] of await this.dedicatedGroups()) if (dir !== group) for (const c of cpus) held.add(c);
      const chosen = chooseDedicatedCpus(this.all, held, want);
      if (!chosen) {
        throw new RuntimeError(
          'no_dedicated_cpu',
          `Dyno ${label} was not started: a performance dyno needs a CPU of its own and every CPU this host can dedicate (${this.all.length - 1} of ${this.all.length}, one stays shared) is held by another performance dyno; it is retried like a crashed dyno, or scale a performance dyno down or use a standard size`,
        );
      }
      if (this.#dedicated) this.#dedicated.add(group);
      else await writeFile(join(group, 'cpuset.mem_hardwall'), '1');
      this.#shared = formatCpuList(this.all.filter((c) => !held.has(c) && !chosen.includes(c)));
      await this.narrowShared();
      await writeFile(join(group, 'cpuset.cpus'), formatCpuList(chosen));
      return chosen;
    });
  }

  /** A dedicated group went away: its CPUs go back to the shared dynos. */
  released(): Promise<void> {
    return this.serially(() => this.rebalance());
  }

  private async rebalance(): Promise<void> {
    const held = new Set<number>();
    for (const [, cpus] of await this.dedicatedGroups()) for (const c of cpus) held.add(c);
    this.#shared = formatCpuList(this.all.filter((c) => !held.has(c)));
    await this.narrowShared();
  }

  /** Every shared group gets the current shared CPUs. */
  private async narrowShared(): Promise<void> {
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const group = join(this.dir, entry.name);
      if (await this.isDedicated(group, true)) continue;
      await writeFile(join(group, 'cpuset.cpus'), this.#shared).catch(ignoreGone);
    }
  }

  /** Dedicated groups on disk with their CPUs. */
  private async dedicatedGroups(): Promise<Array<[string, number[]]>> {
    const found: Array<[string, number[]]> = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const group = join(this.dir, entry.name);
      if (!(await this.isDedicated(group, false))) continue;
      found.push([group, parseCpuList(await read(join(group, 'cpuset.cpus')).catch(() => ''))]);
    }
    if (this.#dedicated) for (const group of this.#dedicated) if (!found.some(([g]) => g === group)) this.#dedicated.delete(group); // gone
    return found;
  }

  /** `unreadable`: the answer when the v1 flag cannot be read (the group is going away). */
  private async isDedicated(group: string, unreadable: boolean): Promise<boolean> {
    if (this.#dedicated) return this.#dedicated.has(group);
    const flag = await read(join(group, 'cpuset.mem_hardwall')).catch(() => undefined);
    return flag === undefined ? unreadable : flag === '1';
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

