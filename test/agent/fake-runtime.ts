/**
 * A fake of the runtime port the supervisor starts dynos through (`{ start(spec) }`): no sandbox,
 * no processes. Each dyno binds $PORT, exits, uses memory or ignores SIGTERM when the test says,
 * and its boot wait runs on the test's FakeClock.
 */
import { PassThrough } from 'node:stream';
import type { DynoExit, DynoMemory, DynoSpec, RunningDyno } from '../../src/runtime/types.js';
import type { FakeClock } from '../support/fake-clock.js';

const MB = 1024 * 1024;

export class FakeDyno implements RunningDyno {
  readonly pid = 0;
  readonly uid = 1000;
  readonly port = 5000;
  readonly limits = { memoryQuotaBytes: 512 * MB, memoryLimitBytes: 1024 * MB, cpuShares: 1024, cpuQuotaCores: null, pidsMax: 256, scratchBytes: 64 * MB, dedicatedCpus: 0 };
  readonly cgroups = { memory: '/nonexistent/berth-fake-dyno', cpu: '/nonexistent', pids: '/nonexistent', cpuset: '/nonexistent' };
  readonly address = { host: '10.0.0.2', port: 5000 };
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin?: PassThrough;
  readonly exited: Promise<DynoExit>;
  /** SIGTERM is not enough: stop() needs SIGKILL (R12). */
  stubborn = false;
  rssBytes = 100 * MB;
  /** Grace periods stop() was called with. */
  readonly stops: number[] = [];
  #exit!: (exit: DynoExit) => void;
  #bound = false;
  #portWaiters: Array<(bound: boolean) => void> = [];
  #gone = false;

  constructor(readonly spec: DynoSpec, private readonly clock: FakeClock, bindAtOnce: boolean) {
    if (spec.stdin || spec.tty) this.stdin = new PassThrough();
    this.exited = new Promise((resolve) => (this.#exit = resolve));
    if (bindAtOnce) this.bind();
  }

  get id(): string {
    return this.spec.id;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The app listens on $PORT. */
  bind(): void {
    this.#bound = true;
    for (const resolve of this.#portWaiters.splice(0)) resolve(true);
  }

  /** The process ends (exit status `code`; `oomKilled` when the kernel killed it at its ceiling). */
  exit(code: number | null, extra: Partial<DynoExit> = {}): void {
    if (this.#gone) return;
    this.#gone = true;
    this.stdout.end();
    this.stderr.end();
    for (const resolve of this.#portWaiters.splice(0)) resolve(false);
    this.#exit({ code, signal: null, oomKilled: false, oomKills: extra.oomKilled ? 1 : 0, sandboxFailed: false, timedOut: false, ...extra });
  }

  async stop(graceMs = 30_000): Promise<{ killed: boolean }> {
    this.stops.push(graceMs);
    const killed = this.stubborn && graceMs > 0;
    // Like the runtime: stop() settles when the signals are sent, `exited` once the dyno is gone.
    setImmediate(() => this.exit(killed || graceMs === 0 ? 137 : 143));
    return { killed };
  }

  async memory(): Promise<DynoMemory> {
    const quota = this.limits.memoryQuotaBytes;
    return { rssBytes: this.rssBytes, cacheBytes: 0, swapBytes: 0, totalBytes: this.rssBytes, quotaBytes: quota, limitBytes: this.limits.memoryLimitBytes, oomKills: 0 };
  }

  async processes(): Promise<{ count: number; max: number; limitHits: number }> {
    return { count: 1, max: this.limits.pidsMax, limitHits: 0 };
  }

  waitForPort(timeoutMs: number): Promise<boolean> {
    if (this.#bound) return Promise.resolve(true);
    if (this.#gone) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#portWaiters.push(resolve);
      this.clock.after(timeoutMs, () => {
        const i = this.#portWaiters.indexOf(resolve);
        if (i !== -1) this.#portWaiters.splice(i, 1);
        resolve(false);
      });
    });
  }
}

export class FakeRuntime {
  /** Every dyno started, in order. */
  readonly dynos: FakeDyno[] = [];
  /** New dynos bind $PORT as soon as they start (turn off to test boot timeouts). */
  bindAtOnce = true;
  #failNext: string | undefined;

  constructor(private readonly clock: FakeClock) {}

  /** The next start fails with `message` (the sandbox could not be set up). */
  failNextStart(message: string): void {
    this.#failNext = message;
  }

  async start(spec: DynoSpec): Promise<RunningDyno> {
    const failure = this.#failNext;
    this.#failNext = undefined;
    if (failure !== undefined) throw new Error(failure);
    const dyno = new FakeDyno(spec, this.clock, this.bindAtOnce);
    this.dynos.push(dyno);
    return dyno;
  }

  /** The latest dyno started under `name` (web.1). */
  dyno(name: string): FakeDyno {
    const found = this.dynos.filter((d) => d.name === name).at(-1);
    if (!found) throw new Error(`No dyno ${name} was started; started: ${this.dynos.map((d) => d.name).join(', ') || 'none'}`);
    return found;
  }
}
