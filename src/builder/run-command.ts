/**
 * Runs a host tool (tar, git) with an argv array, a timeout and an optional AbortSignal, keeping
 * the last bytes of its output for error messages. Never a shell string.
 */
import { spawn } from 'node:child_process';

export interface CommandOptions {
  cwd?: string;
  /** The whole environment of the child (default: a minimal PATH and LANG; the builder never passes its own environment on). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output kept per stream (the tail); default 64 KB. */
  maxOutputBytes?: number;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly reason: 'exit' | 'timeout' | 'aborted' | 'spawn';
  constructor(argv: readonly string[], reason: CommandError['reason'], exitCode: number | null, stderr: string, detail?: string) {
    const what = reason === 'exit' ? `exited with status ${exitCode}` : reason === 'timeout' ? 'timed out' : reason === 'aborted' ? 'was cancelled' : `could not start (${detail})`;
    super(`${argv[0]} ${what}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
    this.name = 'CommandError';
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.reason = reason;
  }
}

export const MINIMAL_ENV: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.max && this.chunks.length > 1) this.size -= (this.chunks.shift() as Buffer).length;
  }
  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runCommand needs an argv');
  const max = options.maxOutputBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new CommandError(argv, 'aborted', null, ''));
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? MINIMAL_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new Tail(max);
    const err = new Tail(max);
    let reason: CommandError['reason'] = 'exit';
    const stop = (why: CommandError['reason']) => {
      reason = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs ?? 120_000);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new CommandError(argv, 'spawn', null, '', e.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (reason === 'exit' && code === 0) resolve({ stdout: out.toString(), stderr: err.toString() });
      else reject(new CommandError(argv, reason, code, err.toString()));
    });
  });
}
