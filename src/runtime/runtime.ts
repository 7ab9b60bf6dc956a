/**
 * The dyno runtime of one Berth instance on one host: starts dyno sandboxes (bubblewrap, cgroup
 * v1 limits, overlay /app, own network namespace on an isolated bridge port) and hands back a
 * RunningDyno. Used by the host agent (web, worker, one-off dynos) and the builder (build dynos).
 *
 *   const runtime = new Runtime({ prefix: 'b3f9a', stateDir: `${DATADIR}/dynos` });
 *   await runtime.prepare();                      // bridge + standby pool (optional: start() does it)
 *   const dyno = await runtime.start({ id, appId, appName, name: 'web.1', command: 'node server.js',
 *     env: configVars, size: 'Standard-1X', network: 'bridge', app: { kind: 'slug', slugDir } });
 *   await dyno.waitForPort(60_000);               // R10 if false
 *   const { killed } = await dyno.stop();         // R12 if killed
 *   const exit = await dyno.exited;               // { code, oomKilled (R15), ... }
 *   await runtime.shutdown();                     // leaves running dynos alone unless killDynos
 *
 * Dynos do not die with the agent (no --die-with-parent): a new agent can adopt them later.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { mountBindOverlays } from './bind-overlays.js';
import { BridgeNetwork } from './bridge-network.js';
import type { CgroupHierarchy } from './cgroup-hierarchy.js';
import { openCgroupHierarchy } from './open-cgroup-hierarchy.js';
import { DEFAULT_SIZE_SCRATCH, checkPath, resolveDynoSpec, type ResolvedDynoSpec } from './resolve-dyno-spec.js';
import { DynoProcess } from './dyno-process.js';
import { DEFAULT_UID_RANGE, type UidRange } from './dyno-uid.js';
import { UidClaims } from './uid-claims.js';
import { RuntimeError } from './errors.js';
import { FifoStock } from './fifo-stock.js';
import { HostFirewall } from './host-firewall.js';
import { clampToCapacity, readHostCapacity, type HostCapacity } from './host-capacity.js';
import { ARGS_FD, ENV_FD, INFO_FD, SECCOMP_FD, STARTED_FD, encodeArgs } from './launcher.js';
import { disableOutbound, enableOutbound } from './outbound-nat.js';
import { bwrapArgs, encodeEnv, hostsFile } from './sandbox-args.js';
import { type SandboxSlot, type SandboxSupplies, createSandbox, destroySandbox, launcherAlive } from './sandbox-slot.js';
import { seccompProgram, seccompSupported } from './seccomp-filter.js';
import { SharedFiles } from './shared-files.js';
import { StackEtc } from './stack-etc.js';
import { StandbyPool } from './standby-pool.js';
import { formatCidr } from './subnet.js';
import type { DynoSpec, RunningDyno, RuntimeOptions, StandbyStats } from './types.js';

/** Every dyno's seccomp filter (seccomp-filter.ts); none on machines it is not written for. */
const SECCOMP: Uint8Array | undefined = seccompSupported(process.arch) ? seccompProgram() : undefined;

export type * from './types.js';
export { RuntimeError } from './errors.js';
export { uidForApp, DEFAULT_UID_RANGE } from './dyno-uid.js';
export { removeStaleSandboxes } from './stale-state.js';

const SHM_BYTES = 64 * 1024 * 1024;
const PREFIX = /^[a-z0-9]{1,8}$/;

export class Runtime {
  readonly prefix: string;
  private readonly stateDir: string;
  private readonly uids: UidRange;
  private readonly options: RuntimeOptions;
  private readonly warn: (message: string) => void;
  private readonly network: BridgeNetwork;
  private readonly firewall: HostFirewall;
  private readonly pool: StandbyPool<SandboxSlot>;
  private standbySeq = 0;
  private readonly running = new Map<string, DynoProcess>();
  private readonly uidClaims = new UidClaims();
  private readonly shared: SharedFiles;
  private readonly fifos: FifoStock;
  private readonly etc: StackEtc;
  /** The /etc copies of stack images, by image directory. */
  private readonly imageEtc = new Map<string, StackEtc>();
  private cgroupHierarchy: Promise<CgroupHierarchy> | undefined;
  private hostCapacity: Promise<HostCapacity> | undefined;
  private bridgeReady: Promise<void> | undefined;
  /** prepare() was called: the bridge may exist, and shutdown removes it. */
  private prepared = false;
  /** The last prepare() (bridge and the stack's /etc), settled; shutdown waits for it. */
  private preparing: Promise<unknown> | undefined;
  private outboundReady: Promise<void> | undefined;
  private closed = false;
  private stateDirMade = false;

  constructor(options: RuntimeOptions) {
    if (!PREFIX.test(options.prefix)) throw new RuntimeError('invalid_spec', `Runtime prefix ${JSON.stringify(options.prefix)} must be 1–8 lowercase letters or digits (it goes into interface names)`);
    checkPath('stateDir', options.stateDir, true);
    this.options = options;
    this.prefix = options.prefix;
    this.stateDir = options.stateDir;
    this.uids = options.uids ?? DEFAULT_UID_RANGE;
    this.warn = options.warn ?? (() => undefined);
    if (!SECCOMP) this.warn(`dynos run without a seccomp filter: it is written for x86_64 and this machine is ${process.arch}`);
    this.network = new BridgeNetwork(options.prefix, options.subnet, options.preferredSubnet);
    this.firewall = new HostFirewall(this.network.bridge, () => this.network.gateway, options.prefix);
    this.shared = new SharedFiles(join(options.stateDir, '.shared'));
    this.fifos = new FifoStock(join(options.stateDir, '.fifos'));
    this.etc = new StackEtc(join(options.stateDir, '.shared', 'etc'));
    this.pool = new StandbyPool<SandboxSlot>({
      size: options.standby ?? 3,
      create: async () => this.sandbox(`standby-${process.pid}-${++this.standbySeq}`, true, true, DEFAULT_SIZE_SCRATCH, true),
      destroy: async (slot) => destroySandbox(await this.supplies(), slot),
      usable: (slot) => launcherAlive(slot.child) && !slot.spawnError,
      warn: this.warn,
    });
  }

  /** Create (or adopt) the bridge and its host firewall (host-firewall.ts), start filling the
   *  standby pool and build the stack's /etc, so the first start() pays none of it. */
  async prepare(): Promise<void> {
    this.prepared = true;
    this.bridgeReady ??= this.network.ensure().then(() => this.firewall.install()).then(
      () => this.pool.refill(),
      (err: unknown) => {
        this.bridgeReady = undefined; // let the next call try again
        throw err;
      },
    );
    const preparing = Promise.all([this.bridgeReady, this.shared.ready().then(() => this.etc.current())]);
    this.preparing = preparing.catch(() => undefined);
    await preparing;
  }

  /** The gateway ports dynos may connect to: the services the host offers them on purpose (the
   *  add-on servers). Replaces the previous list; everything else on the host stays closed. */
  async offerHostPorts(ports: readonly number[]): Promise<void> {
    await this.prepare();
    await this.firewall.offer(ports);
  }

  /** Resolves once the standby pool is full. */
  async standbyFilled(): Promise<void> {
    await this.prepare();
    await this.pool.filled();
  }

  standbyStats(): StandbyStats {
    return this.pool.stats();
  }

  /** The instance subnet, e.g. `10.231.4.0/24` (after prepare()). */
  get subnet(): string {
    return formatCidr(this.network.subnet);
  }

  runningDynos(): RunningDyno[] {
    return [...this.running.values()];
  }

  /** The instance's cgroups on the hierarchy this host mounts (v1 or v2: cgroup-hierarchy.ts), with the aggregate limits. */
  private instanceCgroups(): Promise<CgroupHierarchy> {
    this.cgroupHierarchy ??= (async () => {
      const hierarchy = await openCgroupHierarchy(this.prefix);
      await hierarchy.prepare(await this.capacity());
      return hierarchy;
    })();
    return this.cgroupHierarchy;
  }

  /** What all dynos of this instance may use together (host-capacity.ts). */
  capacity(): Promise<HostCapacity> {
    this.hostCapacity ??= this.options.capacity ? Promise.resolve(this.options.capacity) : readHostCapacity();
    return this.hostCapacity;
  }

  private async supplies(): Promise<SandboxSupplies> {
    return { cgroups: await this.instanceCgroups(), network: this.network, fifos: this.fifos };
  }

  /** A fresh sandbox in stateDir/<name>, its launcher waiting for its options. */
  private async sandbox(name: string, network: boolean, stdin: boolean, scratchBytes: number, parked = false): Promise<SandboxSlot> {
    if (!this.stateDirMade) {
      mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      this.stateDirMade = true;
    }
    return createSandbox(await this.supplies(), { dir: join(this.stateDir, name), name, network, stdin, scratchBytes, parked });
  }

  async start(spec: DynoSpec): Promise<RunningDyno> {
    if (this.closed) throw new RuntimeError('shut_down', 'The runtime has been shut down; start a new one');
    const specified = resolveDynoSpec(spec, this.uids);
    const resolved = { ...specified, limits: clampToCapacity(specified.limits, await this.capacity()) };
    if (spec.network === 'outbound' && !this.options.allowOutbound) {
      throw new RuntimeError('outbound_disabled', `Dyno ${spec.name} asks for outbound network, which this Berth does not allow; enable outbound dyno networking in the configuration or use network 'bridge'`);
    }
    const claim = this.uidClaims.claim(resolved.uid, { appId: spec.appId, appName: spec.appName });
    if ('conflict' in claim) {
      // The other app's name goes to the operator only, never into this app's log.
      this.warn(`uid collision: dyno ${spec.name} of app ${spec.appName} (${spec.appId}) not started, its uid ${resolved.uid} is held by running dynos of app ${claim.conflict.appName} (${claim.conflict.appId})`);
      throw new RuntimeError('uid_collision', `Dyno ${spec.name} was not started: its uid ${resolved.uid} (derived from the app id) is in use by a running dyno of another app on this host, and apps never share a uid; it can start once that app has no dyno here`);
    }
    try {
      const dyno = await this.startClaimed(spec, resolved);
      dyno.exited.finally(claim.release).catch(() => undefined);
      return dyno;
    } catch (err) {
      claim.release();
      throw err;
    }
  }

  private async startClaimed(spec: DynoSpec, resolved: ResolvedDynoSpec): Promise<RunningDyno> {
    const withStdin = spec.tty === true || spec.stdin === true;
    const dir = join(this.stateDir, spec.id);
    if (spec.network !== 'none') await this.prepare();
    // Standby capacity: every dyno with a network (web, worker, one-off) takes a ready sandbox.
    let slot = spec.network !== 'none' ? this.pool.take() : undefined;
    if (slot) {
      try {
        renameSync(slot.dir, dir);
      } catch (err) {
        await destroySandbox(await this.supplies(), slot);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') throw new RuntimeError('invalid_spec', `Dyno id ${spec.id} is already in use`);
        throw err;
      }
      slot.dir = dir;
      slot.scratch.moved(dir);
      await slot.cgroup.rename(spec.id);
    } else {
      try {
        slot = await this.sandbox(spec.id, spec.network !== 'none', withStdin, resolved.limits.scratchBytes);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError('invalid_spec', `Dyno id ${spec.id} is already in use`);
        throw err;
      }
    }
    try {
      return await this.launch(slot, spec, resolved, withStdin);
    } catch (err) {
      await destroySandbox(await this.supplies(), slot);
      throw err;
    }
  }

  /** Fill in the dyno-specific parts of a ready sandbox and let its bwrap go. */
  private async launch(slot: SandboxSlot, spec: DynoSpec, resolved: ResolvedDynoSpec, withStdin: boolean): Promise<DynoProcess> {
    if (slot.spawnError) throw slot.spawnError;
    await this.shared.ready();
    const stackImage = spec.stackImage ?? (await this.options.stackImage?.());
    const [appDir, etc] = await Promise.all([
      spec.app.kind === 'bind' ? Promise.resolve(spec.app.dir) : slot.scratch.prepareApp(resolved.uid, resolved.limits.scratchBytes, spec.app.kind === 'slug' ? spec.app.slugDir : undefined),
      this.etcFor(stackImage).current(),
      slot.cgroup.applyLimits(resolved.limits, `${spec.name} of ${spec.appName} (${spec.size.toLowerCase()})`),
      spec.network === 'outbound' && slot.net ? this.enableOutbound().then(() => this.network.addDefaultRoute(slot.net!)) : undefined,
    ]);
    const binds = await mountBindOverlays(slot.scratch.path, slot.dir, spec.binds ?? [], this.warn);
    if (!withStdin) slot.pipes.dropStdin();
    slot.pipes.chown(resolved.uid);
    const hosts = join(slot.dir, 'scratch', 'hosts'); // on the dyno's tmpfs: no host path in its mountinfo
    writeFileSync(hosts, hostsFile(resolved.hostname, slot.net?.address), { mode: 0o644 });
    const options = bwrapArgs({
      hostname: resolved.hostname,
      uid: resolved.uid,
      cwd: resolved.cwd,
      command: spec.command,
      tty: spec.tty === true,
      sharedNetns: slot.net !== undefined,
      app: { source: appDir, writable: spec.app.kind !== 'bind' || spec.app.writable },
      binds,
      generated: { etc, ...this.shared.etc(resolved.uid), hosts, cgroupMemoryDir: this.shared.memoryDir(resolved.limits.memoryQuotaBytes) },
      tmpBytes: resolved.limits.scratchBytes,
      shmBytes: Math.min(SHM_BYTES, resolved.limits.scratchBytes),
      ...(this.options.nodeBinary ? { nodeBinary: this.options.nodeBinary } : {}),
      ...(stackImage ? { stackRoot: stackImage } : {}),
      ...(stackImage && this.options.hostNode ? { hostNode: this.options.hostNode } : {}),
      infoFd: INFO_FD,
      startedFd: STARTED_FD,
      envFd: ENV_FD,
      ...(SECCOMP ? { seccompFd: SECCOMP_FD } : {}),
    });
    if (!launcherAlive(slot.child)) throw new RuntimeError('command_failed', 'The dyno launcher died before it could start the dyno');
    const stdio = slot.child.stdio as unknown as Array<Writable | null>;
    stdio[ENV_FD]?.end(encodeEnv(resolved.env));
    if (SECCOMP) stdio[SECCOMP_FD]?.end(SECCOMP);
    stdio[ARGS_FD]?.end(encodeArgs(options));
    const dyno = new DynoProcess({
      id: spec.id,
      name: spec.name,
      uid: resolved.uid,
      port: resolved.port,
      limits: resolved.limits,
      ...(slot.net ? { address: { host: slot.net.address, port: resolved.port } } : {}),
      child: slot.child,
      infoFd: INFO_FD,
      startedFd: STARTED_FD,
      cgroup: slot.cgroup,
      pipes: slot.pipes,
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      release: async () => {
        await slot.scratch.release();
        if (slot.net) await this.network.destroySlot(slot.net);
        await rm(slot.dir, { recursive: true, force: true });
      },
      warn: this.warn,
    });
    this.running.set(spec.id, dyno);
    dyno.exited.finally(() => this.running.delete(spec.id)).catch(() => undefined);
    return dyno;
  }

  /** The /etc a dyno gets: the host whitelist, or a copy of its stack image's /etc. */
  private etcFor(image: string | undefined): StackEtc {
    if (image === undefined) return this.etc;
    let etc = this.imageEtc.get(image);
    if (!etc) {
      etc = new StackEtc(join(this.stateDir, '.shared', 'etc'), '/etc', join(image, 'etc'));
      this.imageEtc.set(image, etc);
    }
    return etc;
  }

  private enableOutbound(): Promise<void> {
    this.outboundReady ??= Promise.all([enableOutbound(this.network.bridge, this.subnet, `berth-${this.prefix}`), this.firewall.allowDns()]).then(() => undefined);
    return this.outboundReady;
  }

  /** Tear down the standby pool, and — once no dyno is left — the bridge, NAT and firewall rules and the
   *  instance's cgroup parents. Running dynos keep running unless killDynos. */
  async shutdown(options: { killDynos?: boolean } = {}): Promise<void> {
    this.closed = true;
    await this.pool.drain();
    if (options.killDynos) {
      await Promise.all([...this.running.values()].map(async (d) => {
        await d.stop(0);
        await d.exited.catch(() => undefined);
      }));
    }
    if (this.running.size > 0) return;
    await this.fifos.drain();
    // A prepare still running writes the stack's /etc under .shared and makes the bridge: let it
    // finish first, or it would write into what is being removed and the bridge would outlive us.
    await this.preparing;
    await this.shared.release();
    await rm(join(this.stateDir, '.shared'), { recursive: true, force: true }).catch((err: unknown) => this.warn(`${join(this.stateDir, '.shared')} could not be removed: ${err instanceof Error ? err.message : String(err)}`));
    if (this.prepared) {
      // A prepare that failed half-way may have made the bridge all the same: remove it too.
      if (this.outboundReady) await disableOutbound(this.network.bridge, this.subnet, `berth-${this.prefix}`).catch(() => undefined);
      await this.firewall.remove().catch(() => undefined);
      await this.network.removeBridge().catch((err: unknown) => this.warn(`the bridge ${this.network.bridge} could not be removed: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (this.cgroupHierarchy) await (await this.cgroupHierarchy).removeInstance();
  }
}
