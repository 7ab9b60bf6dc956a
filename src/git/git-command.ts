/**
 * Running the real git binary: argv arrays only (never a shell string), a fixed minimal
 * environment, a timeout on everything, and a typed error carrying git's own explanation.
 *
 * Long-lived git processes (receive-pack, upload-pack) are spawned in their own process group
 * (`detached`), so stopping one also stops what it started: index-pack, unpack-objects and the
 * pre-receive hook. Nothing is left running when a client disconnects or a timeout fires.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';

/** The git binary and the environment every git process gets (no secrets from Berth's own env). */
export interface GitEnvironment {
  gitPath: string;
  env: Record<string, string>;
}

export class GitError extends Error {
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(message: string, args: readonly string[], stderr: string, options?: { cause?: unknown }) {
    super(stderr.trim() ? `${message}: ${stderr.trim()}` : message, options);
    this.name = 'GitError';
    this.args = args;
    this.stderr = stderr;
  }
}

/** Run a short git command to completion and return its stdout. */
export function runGit(
  git: GitEnvironment,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      git.gitPath,
      args,
      { cwd: options.cwd, env: { ...git.env, ...options.env }, timeout, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const how = err.killed ? `timed out after ${timeout} ms` : `failed (${String(err.code ?? err.signal)})`;
        reject(new GitError(`git ${args[0] ?? ''} ${how}`, args, stderr, { cause: err }));
      },
    );
  });
}

export interface GitExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few KB of git's stderr, for logs. */
  stderr: string;
  /** Why Berth stopped it early, if it did. */
  killedBecause: string | undefined;
}

export interface GitProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<GitExit>;
  readonly running: () => boolean;
  /** Stop the whole process group: SIGTERM (git cleans up its quarantine and locks), then SIGKILL. */
  kill(reason: string): void;
}

const STDERR_KEEP = 8 * 1024;
const KILL_GRACE_MS = 2_000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Start a long-running git command in its own process group with stdin/stdout as pipes. */
export function spawnGit(
  git: GitEnvironment,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): GitProcess {
  const child = spawn(git.gitPath, args, {
    cwd: options.cwd,
    env: { ...git.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let done = false;
  let killedBecause: string | undefined;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  // EPIPE on stdin when git exits before reading everything is normal; callers see the exit.
  child.stdin?.on('error', () => {});
  const kill = (reason: string): void => {
    if (done) return;
    killedBecause ??= reason;
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => { if (!done) signalGroup(child.pid, 'SIGKILL'); }, KILL_GRACE_MS).unref();
  };
  const timer = setTimeout(() => kill(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
  timer.unref();
  const exited = new Promise<GitExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // A killed leader may leave members of its group behind (a hook mid-write); stop them too.
      if (killedBecause !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({ code, signal, stderr, killedBecause });
    };
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      finish(null, null);
    });
    child.once('close', finish);
  });
  return { child, exited, running: () => !done, kill };
}
