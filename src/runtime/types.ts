/**
 * The runtime's public shapes: what a caller asks for (DynoSpec) and what it gets back
 * (RunningDyno). The host agent starts web/worker/one-off dynos with these; the builder starts
 * build dynos with them.
 */
import type { HostCapacity } from './host-capacity.js';
import type { Readable, Writable } from 'node:stream';
import type { DynoSize } from '../core/dyno-size.js';
import type { UidRange } from './dyno-uid.js';

/** `bridge`: own address on the instance bridge, reachable from the host only. `outbound`: the
 *  same plus a default route with NAT (the runtime must be created with `allowOutbound`).
 *  `none`: loopback only. */
export type DynoNetwork = 'bridge' | 'none' | 'outbound';

/** What appears at /app. `slug`: an overlay with the read-only, shared slug as lower layer and a
 *  per-dyno writable layer that vanishes with the dyno. `bind`: a host directory (build dynos).
 *  `empty`: a fresh writable directory. */
export type DynoApp =
  | { kind: 'slug'; slugDir: string }
  | { kind: 'bind'; dir: string; writable: boolean }
  | { kind: 'empty' };

export interface DynoBind {
  source: string;
  target: string;
  readonly: boolean;
}

/** Overrides of the size's limits (tests, and builds that need more processes). */
export type DynoLimits = Pick<DynoSize, 'memoryQuotaBytes' | 'memoryLimitBytes' | 'cpuShares' | 'cpuQuotaCores' | 'pidsMax' | 'scratchBytes' | 'dedicatedCpus'>;

export interface DynoSpec {
  /** Unique id (a uuid); names the dyno's cgroups and state directory. */
  id: string;
  appId: string;
  appName: string;
  /** `web.1`, `run.2`, `build`: becomes DYNO and PS. */
  name: string;
  /** A shell command line, Procfile style; run by bash after .profile.d. */
  command: string;
  /** Config vars and any extra variables (TERM, COLUMNS, LINES for one-offs). */
  env: Readonly<Record<string, string>>;
  /** Dyno size name, case-insensitive (`Standard-1X`). */
  size: string;
  limits?: Partial<DynoLimits>;
  network: DynoNetwork;
  app: DynoApp;
  binds?: readonly DynoBind[];
  /** The root filesystem: a stack image directory (its usr, var, opt and etc); absent: the
   *  host's /usr (host-root mode). Shared read-only by every dyno on it, never copied. */
  stackImage?: string;
  /** $PORT; default 5000. */
  port?: number;
  /** Working directory; default /app. */
  cwd?: string;
  /** Default: uidForApp(appId) in the runtime's uid range. */
  uid?: number;
  /** Run the command on a pseudo-terminal (one-off `run` with a TTY). Implies stdin. */
  tty?: boolean;
  /** Give the dyno a writable stdin (RunningDyno.stdin); otherwise stdin is /dev/null. */
  stdin?: boolean;
  /** Stop the dyno (SIGTERM, 10 s grace, SIGKILL) after this long. */
  timeoutMs?: number;
}

export interface DynoExit {
  /** The command's exit status, shell style: 3 for `exit 3`, 143 after SIGTERM, 137 after SIGKILL. */
  code: number | null;
  /** Set only when the sandbox launcher itself died by a signal (not the app). */
  signal: string | null;
  /** The kernel killed the dyno at its memory ceiling (R15). */
  oomKilled: boolean;
  /** OOM kills inside the dyno over its life (its main process's and any other process's). */
  oomKills: number;
  /** The sandbox could not be set up; the command never ran (a platform fault, see `error`/stderr). */
  sandboxFailed: boolean;
  /** Stopped because spec.timeoutMs passed. */
  timedOut: boolean;
  /** Why the sandbox failed, when known. */
  error?: string;
}

export interface DynoMemory {
  rssBytes: number;
  cacheBytes: number;
  swapBytes: number;
  /** memory.usage_in_bytes: everything charged to the dyno (rss, page cache, tmpfs). */
  totalBytes: number;
  /** The size's quota: above it the agent logs R14. */
  quotaBytes: number;
  /** The hard ceiling: the kernel kills the dyno there (R15). */
  limitBytes: number;
  /** OOM kills so far inside this dyno (memory.oom_control oom_kill). */
  oomKills: number;
}

export interface DynoProcesses {
  /** Processes and threads now. */
  count: number;
  max: number;
  /** How often a fork failed at the limit (pids.events max). */
  limitHits: number;
}

export interface RunningDyno {
  readonly id: string;
  readonly name: string;
  /** Host pid of the sandbox launcher (bwrap). */
  readonly pid: number;
  readonly uid: number;
  readonly port: number;
  readonly limits: DynoLimits;
  /** The dyno's cgroup directories per controller (on cgroup v2 all four are its one group). */
  readonly cgroups: Readonly<{ memory: string; cpu: string; pids: string; cpuset: string }>;
  /** The dyno's own address on the instance bridge (bridge and outbound dynos). */
  readonly address?: { host: string; port: number };
  /** Real pipes (not sockets), so `/dev/stdout` works inside. */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Only with spec.stdin or spec.tty. */
  readonly stdin?: Writable;
  /** Settles once the dyno is gone and its cgroups, network and scratch space are cleaned up. */
  readonly exited: Promise<DynoExit>;
  /** SIGTERM to every process of the dyno, then SIGKILL after graceMs (default 30 s).
   *  `killed` means SIGKILL was needed (R12). */
  stop(graceMs?: number): Promise<{ killed: boolean }>;
  memory(): Promise<DynoMemory>;
  processes(): Promise<DynoProcesses>;
  /** True once something listens on $PORT on a non-loopback address inside the dyno. */
  waitForPort(timeoutMs: number): Promise<boolean>;
}

export interface RuntimeOptions {
  /** Per-instance prefix, 1–8 of [a-z0-9]; carried by every cgroup, bridge, netns and veth name. */
  prefix: string;
  /** Per-dyno scratch state lives here (DATADIR/dynos). */
  stateDir: string;
  /** Force the bridge subnet (`10.213.7.0/24`); default: a free random /24 in 10.213–10.250. */
  subnet?: string;
  /** The subnet to take again when free (the last one this instance used, so addresses that
   *  add-on URLs carry stay the same); else a random one as usual. Ignored with `subnet`. */
  preferredSubnet?: string;
  /** Sandboxes kept ready for dynos with a network (standby capacity); default 3, 0 disables. */
  standby?: number;
  uids?: UidRange;
  /** Allow `outbound` dynos: enables ip_forward and a MASQUERADE rule. Default false. */
  allowOutbound?: boolean;
  /** A Node binary outside /usr to bind at /usr/local/bin/node. */
  nodeBinary?: string;
  /** The stack image for dynos whose spec names none (resolved at each start, so a stack
   *  update reaches the next dyno); absent: host-root mode. */
  stackImage?: () => Promise<string | undefined>;
  /** On stack images: the host's Node.js (binary, and its global node_modules with npm) bound at
   *  /usr/local, which Berth's own buildpacks run on. Absent: stack dynos have no Node of the host. */
  hostNode?: { binary: string; modules?: string };
  /** Warnings about cleanup that did not work (leaked cgroup, netns). */
  warn?: (message: string) => void;
  /** What all dynos together may use; default: the host's totals minus a reserve (host-capacity.ts). */
  capacity?: HostCapacity;
}

export interface StandbyStats {
  /** Configured pool size. */
  size: number;
  /** Standby sandboxes ready now. */
  ready: number;
  /** Created in the background, ahead of need. */
  createdAhead: number;
  /** Made inside start() because the pool was empty (dynos without network never count). */
  createdOnDemand: number;
  /** start() calls served from the pool. */
  takenFromPool: number;
}
