/**
 * One running dyno, seen from the agent: the launcher child (bwrap), the sandbox's init (bwrap's
 * pid 1, learned from --info-fd), the dyno's cgroups, its pipes and its network slot.
 *
 * Exit: bwrap exits as soon as the command does, with its status (3, 143 after SIGTERM, 137 after
 * SIGKILL). Then whatever else is left in the dyno is SIGKILLed (the dyno ends with its main
 * process), OOM kills are read (oom_kill: memory.oom_control on v1, memory.events on v2), the cgroups are removed, the network
 * slot torn down and the scratch directory deleted; only then does `exited` settle.
 *
 * Stop: SIGTERM to every process in the dyno's cgroup (not just the command: its children too),
 * except bwrap itself (killing it would lose the exit status) and the sandbox init (it ignores
 * signals from outside anyway). After graceMs, SIGKILL to the init (which takes the whole pid
 * namespace down) and everything else: `killed: true`, the agent logs R12.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { DynoCgroup } from './cgroup-hierarchy.js';
import type { DynoPipes } from './dyno-pipes.js';
import { RuntimeError } from './errors.js';
import { accepts, listensOn } from './listen-check.js';
import type { DynoExit, DynoLimits, DynoMemory, DynoProcesses, RunningDyno } from './types.js';

const KILL_WAIT_MS = 5000;
const TIMEOUT_GRACE_MS = 10_000;
const PORT_POLL_MS = 2;
const PROC_POLL_MS = 25;
const CONNECT_TIMEOUT_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait for `promise`, but at most `ms` (the timer is cleared either way). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

export interface DynoProcessParts {
  id: string;
  name: string;
  uid: number;
  port: number;
  limits: DynoLimits;
  address?: { host: string; port: number };
  child: ChildProcess;
  /** bwrap's --info-fd ({"child-pid": N} once the sandbox exists). */
  infoFd: number;
  /** One byte arrives here once the command's shell runs (the sandbox was set up). */
  startedFd: number;
  cgroup: DynoCgroup;
  pipes: DynoPipes;
  timeoutMs?: number;
  /** Network slot, scratch directory: released after the cgroups are gone. */
  release: () => Promise<void>;
  warn: (message: string) => void;
}

export class DynoProcess implements RunningDyno {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  readonly uid: number;
  readonly port: number;
  readonly limits: DynoLimits;
  readonly address?: { host: string; port: number };
  readonly cgroups: Readonly<{ memory: string; cpu: string; pids: string; cpuset: string }>;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin?: Writable;
  readonly exited: Promise<DynoExit>;

  private readonly parts: DynoProcessParts;
  private initPid: number | undefined;
  private readonly info: Promise<void>;
  private readonly started: Promise<boolean>;
  private done = false;
  private launcherExited = false;
  private stopping: Promise<{ killed: boolean }> | undefined;
  private timedOut = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(parts: DynoProcessParts) {
    this.parts = parts;
    this.id = parts.id;
    this.name = parts.name;
    this.pid = parts.child.pid ?? -1;
    this.uid = parts.uid;
    this.port = parts.port;
    this.limits = parts.limits;
    if (parts.address) this.address = parts.address;
    this.cgroups = parts.cgroup.paths;
    this.stdout = parts.pipes.stdout;
    this.stderr = parts.pipes.stderr;
    if (parts.pipes.stdin) this.stdin = parts.pipes.stdin;
    this.info = this.readInfo();
    this.started = this.readStarted();
    this.exited = this.watch();
    this.exited.catch(() => undefined);
    if (parts.timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        void this.stop(TIMEOUT_GRACE_MS);
      }, parts.timeoutMs);
    }
  }

  /** bwrap writes {"child-pid": N} on the info fd once the sandbox exists, then closes it. */
  private readInfo(): Promise<void> {
    const stream = this.parts.child.stdio[this.parts.infoFd] as Readable | null;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => { if (text.length < 4096) text += d; });
      stream.on('error', () => resolve());
      stream.on('close', () => {
        const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
        if (m) this.initPid = Number(m[1]);
        resolve();
      });
    });
  }

  private readStarted(): Promise<boolean> {
    const stream = this.parts.child.stdio[this.parts.startedFd] as Readable | null;
    if (!stream) return Promise.resolve(false);
    return new Promise((resolve) => {
      stream.once('data', () => {
        resolve(true);
        stream.destroy();
      });
      stream.on('error', () => resolve(false));
      stream.on('close', () => resolve(false));
    });
  }

  private async watch(): Promise<DynoExit> {
    const { child, cgroup } = this.parts;
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.launcherExited = true; // died while it waited as a standby sandbox
        resolve({ code: child.exitCode, signal: child.signalCode });
        return;
      }
      child.once('error', (err) => {
        this.launcherExited = true;
        resolve({ code: null, signal: null, error: `could not start the sandbox launcher: ${err.message}` });
      });
      child.once('exit', (code, signal) => {
        this.launcherExited = true;
        resolve({ code, signal });
      });
    });
    await within(this.info, 1000);
    if (this.stopping) await this.stopping;
    else if (!(await this.killRemaining())) this.parts.warn(`dyno ${this.name} (${this.id}): processes survived SIGKILL`);
    clearTimeout(this.timer);
    this.done = true;
    const oomKills = await cgroup.oomKills();
    if (!(await cgroup.remove())) this.parts.warn(`dyno ${this.name} (${this.id}): could not remove cgroups ${Object.values(cgroup.paths).join(' ')}`);
    this.parts.pipes.stdin?.destroy();
    await this.parts.release().catch((err: Error) => this.parts.warn(`dyno ${this.name} (${this.id}): cleanup failed: ${err.message}`));
    let started = false;
    await within(this.started.then((s) => { started = s; }), 1000);
    const sandboxFailed = !started;
    const killedBySigkill = outcome.code === 137 || outcome.signal === 'SIGKILL';
    const exit: DynoExit = {
      code: outcome.code,
      signal: outcome.signal,
      oomKilled: oomKills > 0 && killedBySigkill,
      oomKills,
      sandboxFailed,
      timedOut: this.timedOut,
    };
    if (outcome.error) exit.error = outcome.error;
    else if (sandboxFailed) exit.error = 'the sandbox could not be set up (its reason is on stderr)';
    return exit;
  }

  /** SIGKILL everything in the dyno: the sandbox init first (that ends the whole pid namespace),
   *  bwrap itself last (it exits on its own with the status, 137). */
  private async killRemaining(): Promise<boolean> {
    const spare = new Set<number>(this.initPid === undefined ? [] : [this.pid]);
    for (let round = 0; round < 3; round++) {
      if (this.initPid !== undefined) try { process.kill(this.initPid, 'SIGKILL'); } catch { /* gone */ }
      if (spare.size > 0) await this.parts.cgroup.signalAll('SIGKILL', spare);
      else await this.parts.cgroup.killAll();
      if (await this.parts.cgroup.waitEmpty(KILL_WAIT_MS / 3)) return true;
      spare.clear();
    }
    return false;
  }

  stop(graceMs = 30_000): Promise<{ killed: boolean }> {
    if (this.done) return Promise.resolve({ killed: false });
    this.stopping ??= this.terminate(graceMs);
    return this.stopping;
  }

  private async terminate(graceMs: number): Promise<{ killed: boolean }> {
    const signalled = new Set<number>();
    const deadline = Date.now() + graceMs;
    // Keep signalling new processes (a dyno still booting, forks during shutdown) until bwrap has
    // exited and nothing is left, or time is up.
    for (;;) {
      const spare = new Set<number>([this.pid]);
      if (this.initPid !== undefined) spare.add(this.initPid);
      const pids = (await this.parts.cgroup.procs()).filter((p) => !spare.has(p));
      if (pids.length === 0 && this.launcherExited) return { killed: false };
      for (const pid of pids) {
        if (signalled.has(pid)) continue;
        signalled.add(pid);
        try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
      if (Date.now() >= deadline) break;
      await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
    await this.killRemaining();
    return { killed: true };
  }

  async memory(): Promise<DynoMemory> {
    if (this.done) throw new RuntimeError('not_running', `Dyno ${this.name} has exited`);
    return this.parts.cgroup.memory();
  }

  async processes(): Promise<DynoProcesses> {
    if (this.done) throw new RuntimeError('not_running', `Dyno ${this.name} has exited`);
    return this.parts.cgroup.processes();
  }

  async waitForPort(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    this.exited.then(() => { exited = true; }, () => { exited = true; });
    await within(this.info, timeoutMs);
    while (!exited && !this.done && this.initPid !== undefined) {
      const remaining = deadline - Date.now();
      const bound = this.address
        ? await accepts(this.address.host, this.port, Math.max(1, Math.min(CONNECT_TIMEOUT_MS, remaining)))
        : await listensOn(this.initPid, this.port);
      if (bound) return !this.done;
      if (Date.now() >= deadline) return false;
      await sleep(this.address ? PORT_POLL_MS : PROC_POLL_MS);
    }
    return false;
  }
}
