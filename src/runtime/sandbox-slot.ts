/**
 * A sandbox made ready before its dyno is known: state directory, cgroups (no limits yet), a
 * network slot, a scratch tmpfs, stdio pipes, and the launcher already spawned, sitting in its
 * cgroups and netns with bwrap blocked on its options pipe (see launcher.ts). The standby pool
 * keeps a few of these (with stdin: a dyno that wants none gets EOF at once); start() makes one
 * on the spot when the pool is empty or the dyno has no network (builds).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { BridgeNetwork, NetSlot } from './bridge-network.js';
import type { CgroupHierarchy, DynoCgroup } from './cgroup-hierarchy.js';
import { type DynoPipes, makeDynoPipes } from './dyno-pipes.js';
import { DynoScratch } from './dyno-scratch.js';
import { HELPER_ENV } from './exec.js';
import type { FifoStock } from './fifo-stock.js';
import { RuntimeError } from './errors.js';
import { launchArgv } from './launcher.js';

export interface SandboxSlot {
  dir: string;
  net: NetSlot | undefined;
  cgroup: DynoCgroup;
  scratch: DynoScratch;
  pipes: DynoPipes;
  child: ChildProcess;
  /** Set if the launcher could not be spawned at all. */
  spawnError?: Error;
}

type PartialSlot = Omit<SandboxSlot, 'scratch'> & { scratch?: DynoScratch };

export interface SandboxSupplies {
  cgroups: CgroupHierarchy;
  network: BridgeNetwork;
  fifos: FifoStock;
}

export interface SandboxShape {
  /** Host directory for the sandbox's state (renamed to the dyno id when a standby one is taken). */
  dir: string;
  /** cgroup name (the dyno id, or standby-N). */
  name: string;
  network: boolean;
  stdin: boolean;
  scratchBytes: number;
  /** Resolve only once the launcher sits in its cgroups (standby sandboxes get renamed later). */
  parked: boolean;
}

async function parked(slot: PartialSlot): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await slot.cgroup.procs()).includes(slot.child.pid ?? -1)) return;
    if (!launcherAlive(slot.child) || slot.spawnError) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new RuntimeError('command_failed', 'A standby dyno launcher did not join its cgroups');
}

export const launcherAlive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

export async function createSandbox(supplies: SandboxSupplies, shape: SandboxShape): Promise<SandboxSlot> {
  mkdirSync(shape.dir, { mode: 0o700 });
  const scratchMount = DynoScratch.mount(shape.dir, shape.scratchBytes);
  const parts = await Promise.allSettled([
    supplies.cgroups.create(shape.name),
    shape.network ? supplies.network.createSlot() : Promise.resolve(undefined),
    supplies.fifos.take(shape.stdin ? 3 : 2).then((paths) => makeDynoPipes(paths, shape.stdin)),
  ]);
  const [cgroup, net, pipes] = parts;
  if (cgroup.status === 'rejected' || net.status === 'rejected' || pipes.status === 'rejected') {
    const scratch = await scratchMount.catch(() => undefined);
    await scratch?.release();
    if (cgroup.status === 'fulfilled') await cgroup.value.remove();
    if (net.status === 'fulfilled' && net.value) await supplies.network.destroySlot(net.value);
    if (pipes.status === 'fulfilled') pipes.value.destroy();
    await rm(shape.dir, { recursive: true, force: true });
    throw (parts.find((p) => p.status === 'rejected') as PromiseRejectedResult).reason;
  }
  // The launcher starts now, in parallel with the scratch mount it does not need yet.
  const argv = launchArgv(cgroup.value.joinDirs, net.value !== undefined);
  const child = spawn(argv[0]!, argv.slice(1), {
    env: HELPER_ENV,
    stdio: [...pipes.value.childStdio, 'pipe', 'pipe', net.value ? net.value.fd : 'ignore', 'pipe', 'pipe', 'pipe'], // 8: SECCOMP_FD
    detached: true, // its own session: the agent's terminal signals never reach dynos
  });
  pipes.value.closeChildEnds();
  const slot: PartialSlot = { dir: shape.dir, net: net.value, cgroup: cgroup.value, pipes: pipes.value, child };
  child.on('error', (err) => { slot.spawnError = err; });
  for (const fd of [3, 4, 6, 7, 8]) (child.stdio[fd] as NodeJS.EventEmitter | null)?.on('error', () => undefined);
  try {
    slot.scratch = await scratchMount;
    if (shape.parked) await parked(slot);
    return slot as SandboxSlot;
  } catch (err) {
    await destroySandbox(supplies, slot);
    throw err;
  }
}

/** Kill the launcher (if it still waits) and give everything back. */
export async function destroySandbox(supplies: Pick<SandboxSupplies, 'network'>, slot: PartialSlot): Promise<void> {
  if (launcherAlive(slot.child) && !slot.spawnError) {
    const exited = new Promise((resolve) => slot.child.once('exit', resolve));
    slot.child.kill('SIGKILL');
    await exited;
  }
  await slot.cgroup.remove();
  await slot.scratch?.release();
  if (slot.net) await supplies.network.destroySlot(slot.net);
  slot.pipes.destroy();
  await rm(slot.dir, { recursive: true, force: true });
}
