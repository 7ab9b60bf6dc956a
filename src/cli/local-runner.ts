import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Colours } from './colour.js';
import type { LocalProcess } from './local-plan.js';

/** After SIGTERM, how long processes get before SIGKILL (heroku local: 5 s). */
const STOP_GRACE_MS = 5000;

export interface LocalRunOptions {
  processes: LocalProcess[];
  cwd: string;
  /** The environment every process starts from (yours plus .env); PORT is set per process. */
  env: NodeJS.ProcessEnv;
  out: NodeJS.WritableStream;
  colours: Colours;
  /** Aborted on Ctrl-C / SIGTERM: every process gets SIGTERM, then SIGKILL after the grace. */
  stop: AbortSignal;
  now?: () => Date;
}

interface Running {
  process: LocalProcess;
  child: ChildProcess;
  exited: Promise<void>;
  done: boolean;
}

/**
 * Runs Procfile processes on this machine, each in its own process group through bash (or sh),
 * with `HH:MM:SS name |` prefixed, coloured output. A process that exits is reported and the
 * others keep running; resolves with 0 when every process ended on its own with status 0 or
 * was stopped, 1 otherwise.
 */
export async function runLocal(options: LocalRunOptions): Promise<number> {
  const now = options.now ?? (() => new Date());
  const width = Math.max(6, ...options.processes.map((p) => p.name.length));
  const palette = [options.colours.cyan, options.colours.yellow, options.colours.green, options.colours.magenta, options.colours.blue];
  const prefix = (name: string, index: number) => {
    const paint = index < 0 ? options.colours.bold : (palette[index % palette.length] as (t: string) => string);
    return paint(`${now().toTimeString().slice(0, 8)} ${name.padEnd(width)} |`);
  };
  const out = options.out as NodeJS.WritableStream & { destroyed?: boolean };
  const write = (name: string, index: number, line: string) => {
    if (out.destroyed !== true) out.write(`${prefix(name, index)} ${line}\n`);
  };
  const shell = process.platform === 'win32' ? 'sh' : 'bash';
  let failed = false;
  let stopping = false;
  const running: Running[] = options.processes.map((proc, index) => {
    write('system', -1, `${proc.name} started with PORT=${proc.port}: ${proc.command}`);
    const child = spawn(shell, ['-c', proc.command], {
      cwd: options.cwd,
      env: { ...options.env, PORT: String(proc.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) pipeLines(stream, (line) => write(proc.name, index, line));
    const entry: Running = { process: proc, child, exited: Promise.resolve(), done: false };
    entry.exited = (async () => {
      const [code, signal] = (await once(child, 'exit').catch((err: Error) => [null, err.message])) as [number | null, string | null];
      // Its last lines may still be in the pipes: report the exit after them (a child it left
      // behind holding the pipes open gets a second, no more).
      await Promise.race([Promise.all([child.stdout, child.stderr].map((stream) => (stream && !stream.readableEnded ? once(stream, 'end').catch(() => undefined) : undefined))), delay(PIPE_DRAIN_MS, undefined, { ref: false })]);
      entry.done = true;
      if (code !== 0 && !stopping) failed = true;
      write('system', -1, `${proc.name} ${code === null ? `was killed by ${signal}` : `exited with code ${code}`}${stopping ? '' : '; the other processes keep running'}`);
    })();
    child.on('error', (err) => write('system', -1, `${proc.name} could not start: ${err.message}`));
    return entry;
  });

  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    write('system', -1, 'stopping all processes (SIGTERM)');
    signalAll(running, 'SIGTERM');
    const timer = setTimeout(() => signalAll(running, 'SIGKILL'), STOP_GRACE_MS);
    await Promise.all(running.map((r) => r.exited));
    clearTimeout(timer);
  };
  const onStop = () => void stopAll();
  if (options.stop.aborted) onStop();
  else options.stop.addEventListener('abort', onStop, { once: true });
  // Nobody reads the output any more (`berth local | head`): stop rather than leave them running.
  out.on('error', onStop);
  await Promise.all(running.map((r) => r.exited));
  options.stop.removeEventListener('abort', onStop);
  return failed ? 1 : 0;
}

/** How long an exited process's output may take to arrive before its exit is reported. */
const PIPE_DRAIN_MS = 1000;

function signalAll(running: Running[], signal: NodeJS.Signals): void {
  for (const { child, done } of running) {
    if (child.pid === undefined || done) continue;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  }
}

/** Calls `onLine` for every line of a stream (a last line without a newline too). */
function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() as string;
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}
