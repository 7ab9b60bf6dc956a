/**
 * `git push --progress` with every stderr line timestamped as it streams in (git prints the
 * build's `remote:` lines while the push blocks), so the phases of a deploy can be read off the
 * client's clock. Progress output uses `\r`; both `\r` and `\n` end a line here.
 */
import { spawn } from 'node:child_process';

export interface TimedLine {
  /** ms since `t0` (performance.now() clock). */
  t: number;
  text: string;
}

export interface TimedPushResult {
  code: number | null;
  /** ms since t0 when git exited. */
  exitMs: number;
  lines: TimedLine[];
}

const MAX_LINES = 5000;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
/** git's in-place progress counters (`Writing objects:  40% (2/5)`); their `, done.` line is kept. */
const PROGRESS = /^[A-Za-z ]+: +\d+% \(\d+\/\d+\)$/;

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.BENCH_GIT_HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Berth Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Berth Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    ...extra,
  };
}

export function timedPush(options: { dir: string; url: string; apiKey: string; caCert: string; t0: number; timeoutMs: number; onLine?: (line: TimedLine) => void }): Promise<TimedPushResult> {
  const auth = Buffer.from(`x:${options.apiKey}`).toString('base64');
  const child = spawn('git', ['-C', options.dir, '-c', 'credential.helper=', '-c', `http.extraHeader=Authorization: Basic ${auth}`, 'push', '--progress', options.url, 'main'], {
    env: gitEnv({ GIT_SSL_CAINFO: options.caCert }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: TimedLine[] = [];
  let partial = '';
  const take = (chunk: Buffer) => {
    const t = performance.now() - options.t0;
    const parts = (partial + chunk.toString('utf8')).split(/\r|\n/);
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const text = raw.replace(ANSI, '').trimEnd();
      if (text === '' || PROGRESS.test(text) || lines.length >= MAX_LINES) continue;
      const line = { t, text };
      lines.push(line);
      options.onLine?.(line);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      const exitMs = performance.now() - options.t0;
      if (partial.trim() !== '') lines.push({ t: exitMs, text: partial.trim() });
      resolve({ code, exitMs, lines });
    });
  });
}
