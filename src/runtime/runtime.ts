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
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { BridgeNetwork, type NetSlot } from './bridge-network.js';
import { type Controller, DynoCgroup, instanceCgroupDirs, removeInstanceCgroups } from './cgroups.js';
import { makeDynoPipes } from './dyno-pipes.js';
import { checkPath, planDyno } from './dyno-plan.js';
import { DynoProcess } from './dyno-process.js';
import { DEFAULT_UID_RANGE, type UidRange } from './dyno-uid.js';
import { RuntimeError } from './errors.js';
import { HELPER_ENV } from './exec.js';
import { encodeArgs, launchArgv } from './launcher.js';
import { disableOutbound, enableOutbound } from './outbound-nat.js';
import { bwrapArgs, hostsFile } from './sandbox-args.js';
import { SharedFiles } from './shared-files.js';
import { FifoStock } from './fifo-stock.js';
import { mountScratch } from './dyno-scratch.js';
import { StackEtc } from './stack-etc.js';
import { StandbyPool } from './standby-pool.js';
import { formatCidr } from './subnet.js';
import type { DynoSpec, RunningDyno, RuntimeOptions, StandbyStats } from './types.js';

export type * from './types.js';
export { RuntimeError } from './errors.js';
export { uidForApp, DEFAULT_UID_RANGE } from './dyno-uid.js';

const ARGS_FD = 3;
const INFO_FD = 4;
const NETNS_FD = 5;
const STARTED_FD = 6;
const SHM_BYTES = 64 * 1024 * 1024;
const PREFIX = /^[a-z0-9]{1,8}$/;

export class Runtime {
  readonly prefix: string;
  private readonly stateDir: string;
  private readonly uids: UidRange;
  private readonly options: RuntimeOptions;
  private readonly warn: (message: string) => void;
  readonly network: BridgeNetwork;
  private readonly pool: StandbyPool<NetSlot>;
  private readonly running = new Map<string, DynoProcess>();
  private readonly shared: SharedFiles;
  private readonly fifos: FifoStock;
  private readonly etc: StackEtc;
  private cgroupDirs: Promise<Record<Controller, string>> | undefined;
  private bridgeReady: Promise<void> | undefined;
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
    this.network = new BridgeNetwork(options.prefix, options.subnet);
    this.shared = new SharedFiles(join(options.stateDir, '.shared'));
    this.fifos = new FifoStock(join(options.stateDir, '.fifos'));
    this.etc = new StackEtc(join(options.stateDir, '.shared', 'etc'));
    this.pool = new StandbyPool<NetSlot>({
      size: options.standby ?? 3,
      create: () => this.network.createSlot(),
      destroy: (slot) => this.network.destroySlot(slot),
      warn: this.warn,
    });
  }

  /** Create (or adopt) the bridge, start filling the standby pool and build the stack's /etc, so
   *  the first start() pays none of it. */
  async prepare(): Promise<void> {
    this.bridgeReady ??= this.network.ensure().then(() => this.pool.refill());
    await Promise.all([this.bridgeReady, this.etc.current()]);
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

  private instanceCgroups(): Promise<Record<Controller, string>> {
    this.cgroupDirs ??= readFile('/proc/self/cgroup', 'utf8').then((text) => instanceCgroupDirs(text, this.prefix));
    return this.cgroupDirs;
  }

  async start(spec: DynoSpec): Promise<RunningDyno> {
    if (this.closed) throw new RuntimeError('shut_down', 'The runtime has been shut down; start a new one');
    const plan = planDyno(spec, this.uids);
    if (spec.network === 'outbound' && !this.options.allowOutbound) {
      throw new RuntimeError('outbound_disabled', `Dyno ${spec.name} asks for outbound network, which this Berth does not allow; enable outbound dyno networking in the configuration or use network 'bridge'`);
    }
    if (spec.network !== 'none') await this.prepare();
    const dir = join(this.stateDir, spec.id);
    if (!this.stateDirMade) {
      mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      this.stateDirMade = true;
    }
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError('invalid_spec', `Dyno id ${spec.id} is already in use`);
      throw err;
    }
    const withStdin = spec.tty === true || spec.stdin === true;
    const parts = await Promise.allSettled([
      this.instanceCgroups().then((dirs) => DynoCgroup.create(dirs, spec.id, plan.limits)),
      spec.network === 'none' ? Promise.resolve(undefined) : this.acquireSlot(spec.network === 'outbound'),
      this.fifos.take(withStdin ? 3 : 2).then((paths) => makeDynoPipes(paths, plan.uid, withStdin)),
      spec.app.kind === 'bind' ? Promise.resolve(undefined) : mountScratch(dir, plan.uid, plan.limits.scratchBytes, spec.app.kind === 'slug' ? spec.app.slugDir : undefined),
      this.etc.current(),
    ]);
    const [cgroup, slot, pipes, scratch, etc] = parts;
    const release = async (): Promise<void> => {
      if (slot.status === 'fulfilled' && slot.value) await this.network.destroySlot(slot.value);
      if (scratch.status === 'fulfilled' && scratch.value) await scratch.value.release();
      await rm(dir, { recursive: true, force: true });
    };
    if (cgroup.status === 'rejected' || slot.status === 'rejected' || pipes.status === 'rejected' || scratch.status === 'rejected' || etc.status === 'rejected') {
      if (cgroup.status === 'fulfilled') await cgroup.value.remove();
      if (pipes.status === 'fulfilled') pipes.value.destroy();
      await release();
      throw (parts.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    }
    try {
      const hosts = join(dir, 'hosts');
      writeFileSync(hosts, hostsFile(plan.hostname, slot.value?.address), { mode: 0o644 });
      const app = spec.app.kind === 'bind' ? { source: spec.app.dir, writable: spec.app.writable } : { source: scratch.value!.appDir, writable: true };
      const sandbox = bwrapArgs({
        hostname: plan.hostname,
        uid: plan.uid,
        cwd: plan.cwd,
        env: plan.env,
        command: spec.command,
        tty: spec.tty === true,
        sharedNetns: slot.value !== undefined,
        app,
        binds: spec.binds ?? [],
        generated: { etc: etc.value, ...this.shared.etc(plan.uid), hosts, cgroupMemoryDir: this.shared.memoryDir(plan.limits.memoryQuotaBytes) },
        tmpBytes: plan.limits.scratchBytes,
        shmBytes: Math.min(SHM_BYTES, plan.limits.scratchBytes),
        ...(this.options.nodeBinary ? { nodeBinary: this.options.nodeBinary } : {}),
        infoFd: INFO_FD,
        startedFd: STARTED_FD,
      });
      const argv = launchArgv({
        ...(slot.value ? { netnsFd: NETNS_FD } : {}),
        cgroups: cgroup.value.paths,
        argsFd: ARGS_FD,
        command: sandbox.command,
      });
      const child = spawn(argv[0]!, argv.slice(1), {
        env: HELPER_ENV,
        stdio: [...pipes.value.childStdio, 'pipe', 'pipe', slot.value ? slot.value.fd : 'ignore', 'pipe'],
        detached: true, // own session: the agent's terminal signals never reach dynos
      });
      pipes.value.closeChildEnds();
      (child.stdio[ARGS_FD] as Writable | null)?.on('error', () => undefined).end(encodeArgs(sandbox.options));
      const dyno = new DynoProcess({
        id: spec.id,
        name: spec.name,
        uid: plan.uid,
        port: plan.port,
        limits: plan.limits,
        ...(slot.value ? { address: { host: slot.value.address, port: plan.port } } : {}),
        child,
        infoFd: INFO_FD,
        startedFd: STARTED_FD,
        cgroup: cgroup.value,
        pipes: pipes.value,
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        release,
        warn: this.warn,
      });
      this.running.set(spec.id, dyno);
      dyno.exited.finally(() => this.running.delete(spec.id)).catch(() => undefined);
      return dyno;
    } catch (err) {
      pipes.value.destroy();
      await cgroup.value.remove();
      await release();
      throw err;
    }
  }

  private async acquireSlot(outbound: boolean): Promise<NetSlot> {
    const slot = await this.pool.acquire();
    if (outbound) {
      this.outboundReady ??= enableOutbound(this.network.bridge, this.subnet, `berth-${this.prefix}`);
      try {
        await this.outboundReady;
        await this.network.addDefaultRoute(slot);
      } catch (err) {
        await this.network.destroySlot(slot);
        throw err;
      }
    }
    return slot;
  }

  /** Tear down the standby pool, and — once no dyno is left — the bridge, NAT rules and the
   *  instance's cgroup parents. Running dynos keep running unless killDynos. */
  async shutdown(options: { killDynos?: boolean } = {}): Promise<void> {
    this.closed = true;
    await this.pool.drain();
    if (options.killDynos) await Promise.all([...this.running.values()].map((d) => d.stop(0)));
    await Promise.all([...this.running.values()].map((d) => (options.killDynos ? d.exited.catch(() => undefined) : undefined)));
    if (this.running.size > 0) return;
    await this.fifos.drain();
    await rm(join(this.stateDir, '.shared'), { recursive: true, force: true });
    if (this.bridgeReady) {
      await this.bridgeReady.catch(() => undefined);
      if (this.outboundReady) await disableOutbound(this.network.bridge, this.subnet, `berth-${this.prefix}`).catch(() => undefined);
      await this.network.removeBridge();
    }
    if (this.cgroupDirs) await removeInstanceCgroups(await this.cgroupDirs);
  }
}
