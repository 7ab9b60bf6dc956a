/**
 * Runs a host tool (mmdebstrap, dpkg-query) with an argv array and a timeout, handing each line
 * it prints to `line` as it comes (progress) and keeping the last lines for the error message.
 * Never a shell string.
 */
import { spawn } from 'node:child_process';

export class ToolError extends Error {
  constructor(message: string, readonly tail: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface ToolOptions {
  timeoutMs: number;
  line?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const KEEP_LINES = 20;

/** Resolves with stdout when the tool exits 0; rejects with its last lines otherwise. */
export function runTool(argv: readonly string[], options: ToolOptions): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runTool needs an argv');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } });
    const last: string[] = [];
    let stdout = '';
    const take = (keep: boolean) => {
      let partial = '';
      return (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        if (keep) stdout += chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          last.push(line);
          if (last.length > KEEP_LINES) last.shift();
          if (!keep) options.line?.(line);
        }
      };
    };
    child.stdout.on('data', take(true));
    child.stderr.on('data', take(false));
    let why: string | undefined;
    const timer = setTimeout(() => { why = `timed out after ${Math.round(options.timeoutMs / 1000)} s`; child.kill('SIGTERM'); }, options.timeoutMs);
    const abort = () => { why = 'was cancelled'; child.kill('SIGTERM'); };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err) => { why = `could not start (${err.message})`; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      if (code === 0 && !why) return resolve(stdout);
      const tail = last.join('\n');
      reject(new ToolError(`${file} ${why ?? (signal ? `died of ${signal}` : `exited with status ${code}`)}${tail ? `:\n${tail}` : ''}`, tail));
    });
  });
}
