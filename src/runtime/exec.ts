/**
 * Runs a helper tool (ip, iptables, mkfifo, mount) with an argv array, a timeout and an optional
 * stdin, and a minimal environment (never Berth's own). Failures become RuntimeError with the
 * tool's stderr.
 */
import { spawn } from 'node:child_process';
import { RuntimeError } from './errors.js';

export const HELPER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } as const;
const MAX_OUTPUT = 1024 * 1024;

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** `fds` become the child's fds 3, 4, …; `cwd` is the directory relative paths in args start from. */
export function execHelper(file: string, args: readonly string[], options: { input?: string; timeoutMs?: number; fds?: number[]; cwd?: string } = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: HELPER_ENV, ...(options.cwd === undefined ? {} : { cwd: options.cwd }), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(options.fds ?? [])] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < MAX_OUTPUT) stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < MAX_OUTPUT) stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const what = `${file} ${args.slice(0, 4).join(' ')}`;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new RuntimeError('command_failed', `Could not run ${what} (is it installed? scripts/install.sh installs it)`, '', { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else if (signal === 'SIGKILL') reject(new RuntimeError('command_failed', `${what} timed out after ${timeoutMs} ms`, stderr));
      else reject(new RuntimeError('command_failed', `${what} failed (${code ?? signal})`, stderr));
    });
    if (options.input !== undefined && child.stdin) child.stdin.end(options.input);
  });
}
