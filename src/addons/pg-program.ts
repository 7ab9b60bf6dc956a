/**
 * One run of a PostgreSQL client program (pg_dump, pg_restore) for a transfer: argv array,
 * libpq environment, a hard timeout, cancellation through an AbortSignal, and its stderr kept
 * as log lines (the last few end up in the failure message).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

const KEPT_LINES = 400;

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why Berth stopped it: a timeout or a cancel; undefined when it ended by itself. */
  stoppedBecause?: 'timeout' | 'canceled';
}

export class PgProgram {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly exited: Promise<ProgramExit>;
  private readonly lines: string[] = [];
  private stoppedBecause: ProgramExit['stoppedBecause'];

  constructor(
    readonly label: string,
    file: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    options: { timeoutMs: number; signal?: AbortSignal; onLine?: (line: string) => void },
  ) {
    this.child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // Failures to write stdin (the program died) show up in its exit status instead.
    this.child.stdin.on('error', () => {});
    let partial = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.keep(line, options.onLine);
    });
    const timer = setTimeout(() => this.stop('timeout'), options.timeoutMs);
    const onAbort = () => this.stop('canceled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) this.stop('canceled');
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (partial) this.keep(partial, options.onLine);
        partial = '';
        resolve({ code, signal, ...(this.stoppedBecause ? { stoppedBecause: this.stoppedBecause } : {}) });
      };
      this.child.once('error', (err) => {
        this.keep(`${label} could not start: ${err.message}`, options.onLine);
        finish(127, null);
      });
      this.child.once('close', finish);
    });
  }

  /** Stops the program (SIGTERM; it cleans up its connection). Idempotent. */
  stop(reason: 'timeout' | 'canceled' | 'failed'): void {
    if (reason !== 'failed') this.stoppedBecause ??= reason;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }

  /** The last `n` stderr lines, joined. */
  tail(n = 5): string {
    return this.lines.slice(-n).join('\n');
  }

  get allLines(): readonly string[] {
    return this.lines;
  }

  /** A sentence for a failed exit: what stopped it and the program's last words. */
  describeFailure(exit: ProgramExit, timeoutMs: number): string {
    if (exit.stoppedBecause === 'canceled') return `${this.label} was canceled.`;
    if (exit.stoppedBecause === 'timeout') return `${this.label} was stopped after ${Math.round(timeoutMs / 1000)} s (the transfer timeout).`;
    const how = exit.code !== null ? `exited with status ${exit.code}` : `was killed by ${exit.signal}`;
    const words = this.tail();
    return `${this.label} ${how}${words ? `: ${words}` : '.'}`;
  }

  private keep(line: string, onLine?: (line: string) => void): void {
    const trimmed = line.trimEnd();
    if (!trimmed) return;
    this.lines.push(trimmed);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    onLine?.(trimmed);
  }
}
