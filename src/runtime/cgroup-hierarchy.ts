/**
 * The one interface the runtime drives cgroups through, with two backends: cgroup v1 (cgroups.ts
 * and cgroup-v1.ts: a group per controller under memory, cpu, pids and cpuset) and cgroup v2
 * (cgroup-v2.ts: one group per dyno in a delegated subtree under Berth's own cgroup). The
 * hierarchy is chosen once at start (open-cgroup-hierarchy.ts).
 */
import type { HostCapacity } from './host-capacity.js';
import type { DynoLimits, DynoMemory, DynoProcesses } from './types.js';

export const CONTROLLERS = ['memory', 'cpu', 'pids', 'cpuset'] as const;
export type Controller = (typeof CONTROLLERS)[number];

/** The limits as the kernel holds them (read back from the group's files). */
export interface AppliedLimits {
  memoryMaxBytes: number;
  /** Swap the group may use on top (0: none). */
  swapMaxBytes: number;
  pidsMax: number;
  /** null: no quota. */
  cpuQuotaCores: number | null;
}

/** One dyno's cgroup(s). */
export interface DynoCgroup {
  /** Each controller's directory (on v2 the same one directory for all). */
  readonly paths: Record<Controller, string>;
  /** The directories a process joins (writing its pid to each one's cgroup.procs): the launcher's argv. */
  readonly joinDirs: readonly string[];
  /** The CPUs dedicated to this dyno (empty: it runs on the shared ones). */
  dedicatedCpus: number[];
  /** Give a standby group its dyno's name, members and all. */
  rename(name: string): Promise<void>;
  /** Memory (max, no swap), cpu weight and quota, pids max, and for a performance size its own CPUs. */
  applyLimits(limits: DynoLimits, label: string): Promise<void>;
  appliedLimits(): Promise<AppliedLimits>;
  addProcess(pid: number): Promise<void>;
  /** Host pids of every process in the dyno. */
  procs(): Promise<number[]>;
  /** Signal every member except `spare`; returns the pids signalled. */
  signalAll(signal: NodeJS.Signals, spare?: ReadonlySet<number>): Promise<number[]>;
  /** SIGKILL every member at once (v2: cgroup.kill). */
  killAll(): Promise<void>;
  memory(): Promise<DynoMemory>;
  oomKills(): Promise<number>;
  processes(): Promise<DynoProcesses>;
  /** CPU time the dyno used, in microseconds. */
  cpuUsageMicros(): Promise<number>;
  /** Wait until no process is left, polling; false if some remain after timeoutMs. */
  waitEmpty(timeoutMs: number, ignore?: ReadonlySet<number>): Promise<boolean>;
  /** Remove the group once empty (retrying while the kernel still counts exiting members). */
  remove(timeoutMs?: number): Promise<boolean>;
}

/** The cgroups of one runtime instance (prefix): a parent with the aggregate limits, a group per dyno. */
export interface CgroupHierarchy {
  readonly version: 'v1' | 'v2';
  /** Make the instance's parent group(s) with what all dynos may use together. */
  prepare(capacity: HostCapacity): Promise<void>;
  /** A new dyno group, no limits yet (prepare first). */
  create(name: string): Promise<DynoCgroup>;
  /** Names of the dyno groups now on disk. */
  groupNames(): Promise<string[]>;
  /** Kill every process in every dyno group and remove the groups (after an agent died). */
  reapAll(): Promise<number>;
  /** Remove the instance's parent group(s) (only succeeds once no dyno group is left). */
  removeInstance(): Promise<void>;
}
