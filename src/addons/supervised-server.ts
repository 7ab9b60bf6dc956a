/**
 * One data server process (PostgreSQL, one Redis) supervised by the host agent: started detached
 * (it outlives the agent, like dynos outlive the control plane), restarted with backoff when it
 * dies, adopted — not restarted — by a new agent that finds it still running, stopped on request
 * (signal, grace, SIGKILL). Output goes to a log file, never a pipe, so nothing breaks when the
 * agent goes away.
 *
 * A running server is found by its pid file and recognised by its working directory: the kernel
 * reports a process's cwd by device and inode, which a bind mount keeps, so `/proc/<pid>/cwd`
 * naming the server's own directory cannot be a reused pid of some other program.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { SERVICE_ENV } from './service-jail.js';

export interface ServerSpec {
  /** For log lines: `postgres`, `redis redis-curved-123`. */
  name: string;
  argv: readonly string[];
  /** Host path of the file whose first line is the server's pid. */
  pidFile: string;
  /** Host path of the server's working directory once it runs (it chdirs there). */
  workDir: string;
  logFile: string;
  /** SIGINT (PostgreSQL's fast shutdown) or SIGTERM. */
  stopSignal: NodeJS.Signals;
  /** Resolves once the server accepts clients; gets the server's pid. */
  ready(pid: number, signal: AbortSignal): Promise<void>;
}

export type ServerState = 'stopped' | 'starting' | 'running' | 'backoff' | 'stopping';

export interface SupervisorOptions {
  log(message: string): void;
  readyTimeoutMs?: number;
  /** How often an adopted server (not our child) is checked for life. */
  livenessEveryMs?: number;
  firstRestartDelayMs?: number;
}

const MAX_RESTART_DELAY_MS = 10_000;
const HEALTHY_AFTER_MS = 30_000;

/** True while `pid` exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pid in `pidFile` when that process runs in `workDir`. */
export function findRunning(pidFile: string, workDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !processAlive(pid)) return undefined;
  try {
    const cwd = statSync(`/proc/${pid}/cwd`);
    const dir = statSync(workDir);
    return cwd.ino === dir.ino && cwd.dev === dir.dev ? pid : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export class SupervisedServer {
  private stateValue: ServerState = 'stopped';
  private child: ChildProcess | undefined;
  private adoptedPid: number | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelay: number;
  private runningSince = 0;
  private restartCount = 0;
  private released = false;
  private readonly waiters = new Set<() => boolean>();

  constructor(readonly spec: ServerSpec, private readonly options: SupervisorOptions) {
    this.restartDelay = options.firstRestartDelayMs ?? 100;
  }

  get state(): ServerState {
    return this.stateValue;
  }

  /** Times the server was started again after it died. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The server's own pid (not the jail's), when it runs. */
  get pid(): number | undefined {
    if (this.adoptedPid !== undefined) return this.adoptedPid;
    if (this.child?.pid === undefined || this.child.exitCode !== null) return undefined;
    return childrenOf(this.child.pid)[0];
  }

  /** Adopts the server when it already runs, else starts it; resolves once it accepts clients. */
  async start(): Promise<'adopted' | 'started'> {
    if (this.stateValue !== 'stopped') throw new Error(`${this.spec.name} is already ${this.stateValue}`);
    const running = findRunning(this.spec.pidFile, this.spec.workDir);
    if (running !== undefined) {
      this.adopt(running);
      await this.awaitReady(running);
      this.enter('running');
      return 'adopted';
    }
    try {
      await this.launch();
    } catch (err) {
      await this.stop(2_000);
      throw err;
    }
    return 'started';
  }

  /** Resolves when the server is running (again, after a crash and restart). */
  whenRunning(): Promise<void> {
    return this.when(() => this.stateValue === 'running');
  }

  /** Resolves once the server runs after more than `restarts` restarts. */
  whenRestarted(restarts: number): Promise<void> {
    return this.when(() => this.stateValue === 'running' && this.restartCount > restarts);
  }

  private when(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add(() => (done() ? (resolve(), true) : false));
    });
  }

  /** Stops the server: stopSignal, then SIGKILL after graceMs. The supervisor stays stopped. */
  async stop(graceMs = 10_000): Promise<void> {
    clearTimeout(this.restartTimer);
    clearInterval(this.liveness);
    const prior = this.stateValue;
    this.enter('stopping');
    const pid = this.pid ?? (prior === 'stopped' ? findRunning(this.spec.pidFile, this.spec.workDir) : undefined);
    const child = this.child;
    if (pid !== undefined) {
      try { process.kill(pid, this.spec.stopSignal); } catch { /* gone already */ }
      const deadline = Date.now() + graceMs;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (processAlive(pid)) {
        this.options.log(`${this.spec.name} did not stop within ${graceMs} ms; killing it`);
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        while (processAlive(pid)) await new Promise((r) => setTimeout(r, 20));
      }
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      // The jail (bwrap) exits right after its server; a timer bounds the wait all the same.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          try { child.kill('SIGKILL'); } catch { /* gone */ }
          resolve();
        }, 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.child = undefined;
    this.adoptedPid = undefined;
    this.enter('stopped');
  }

  /** Stops supervising without stopping the server (a new supervisor adopts it). */
  release(): void {
    this.released = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.liveness);
    this.child = undefined;
    this.adoptedPid = undefined;
    this.enter('stopped');
  }

  private enter(state: ServerState): void {
    this.stateValue = state;
    if (state === 'running') {
      this.runningSince = Date.now();
      for (const waiter of this.waiters) if (waiter()) this.waiters.delete(waiter);
    }
  }

  private adopt(pid: number): void {
    this.adoptedPid = pid;
    this.child = undefined;
    clearInterval(this.liveness);
    this.liveness = setInterval(() => {
      if (processAlive(pid)) return;
      clearInterval(this.liveness);
      this.adoptedPid = undefined;
      this.died(`${this.spec.name} (pid ${pid}) is gone`);
    }, this.options.livenessEveryMs ?? 500);
  }

  private async launch(): Promise<void> {
    this.enter('starting');
    const log = openSync(this.spec.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(this.spec.argv[0]!, this.spec.argv.slice(1), { detached: true, stdio: ['ignore', log, log], env: SERVICE_ENV });
    } finally {
      closeSync(log);
    }
    this.child = child;
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
      this.died(`${this.spec.name} exited (${code ?? signal})`);
    });
    await spawned;
    let pid: number | undefined;
    for (let i = 0; i < 500 && pid === undefined && this.child === child; i++) {
      pid = childrenOf(child.pid!)[0];
      if (pid === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    if (pid === undefined) throw new Error(`${this.spec.name} did not start; see ${this.spec.logFile}`);
    await this.awaitReady(pid);
    if (this.child === child && this.stateValue === 'starting') this.enter('running');
  }

  private async awaitReady(pid: number): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      await this.spec.ready(pid, abort.signal);
    } catch (err) {
      const why = abort.signal.aborted ? `did not accept clients within ${timeoutMs} ms` : (err as Error).message;
      throw new Error(`${this.spec.name} ${why}; see ${this.spec.logFile}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The server died while supervised: adopt a survivor (the jail died, not the server) or restart. */
  private died(reason: string): void {
    if (this.released) return;
    const survivor = findRunning(this.spec.pidFile, this.spec.workDir);
    if (survivor !== undefined) {
      this.adopt(survivor);
      return;
    }
    if (Date.now() - this.runningSince > HEALTHY_AFTER_MS) this.restartDelay = this.options.firstRestartDelayMs ?? 100;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, MAX_RESTART_DELAY_MS);
    this.options.log(`${reason}; restarting in ${delay} ms`);
    this.enter('backoff');
    this.restartTimer = setTimeout(() => {
      if (this.stateValue !== 'backoff') return;
      this.restartCount++;
      this.launch().catch((err: unknown) => {
        if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
        this.options.log(`restart failed: ${(err as Error).message}`);
        if (this.stateValue === 'starting' && this.child === undefined) return; // its exit handler scheduled the next try
        if (this.stateValue === 'starting') this.died(`${this.spec.name} did not come up`);
      });
    }, delay);
  }
}
