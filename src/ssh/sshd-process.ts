/**
 * Berth's sshd as a child process: `sshd -D -e -f CONFIG` (foreground, log to stderr), ready when
 * it says "Server listening on"; its log lines go to Berth's log. If it dies it is restarted with
 * backoff. One left running by a control plane that was killed (its pid file, its config on the
 * command line) is stopped first, so the port is free.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface SshdProcessOptions {
  sshdPath: string;
  configPath: string;
  pidFile: string;
  log(event: Record<string, unknown>): void;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

/** Stops an sshd a previous control plane left running with this config. */
export async function stopStaleSshd(pidFile: string, configPath: string): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  // sshd rewrites its process title into one string ("sshd: /usr/sbin/sshd -D -e -f PATH [listener] …").
  if (!` ${cmdline.replace(/\0/g, ' ')} `.includes(` ${configPath} `)) return false;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/cmdline`).then(() => true, () => false)); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export class SshdProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SshdProcessOptions) {}

  /** Starts sshd and resolves once it listens; rejects with sshd's own words when it cannot. */
  start(): Promise<void> {
    const { sshdPath, configPath, log } = this.options;
    const child = spawn(sshdPath, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let ready = false;
    let early = '';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sshd did not start listening within ${READY_TIMEOUT_MS} ms: ${early.trim()}`)); }, READY_TIMEOUT_MS);
      let pending = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!ready) early += `${line}\n`;
          if (!ready && line.startsWith('Server listening on')) {
            ready = true;
            clearTimeout(timer);
            this.restarts = 0;
            resolve();
          }
          if (line.trim()) log({ at: 'info', component: 'sshd', msg: line.trim() });
        }
      });
      child.once('error', (err) => { clearTimeout(timer); reject(new Error(`cannot run ${sshdPath}: ${err.message}`)); });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) return reject(new Error(`sshd exited (${code ?? signal}): ${early.trim().split('\n').slice(-3).join(' ')}`));
        if (this.stopping || this.child !== child) return;
        const delay = Math.min(30_000, 1000 * 2 ** this.restarts++);
        log({ at: 'warn', component: 'sshd', msg: `sshd exited (${code ?? signal}); restarting in ${delay} ms` });
        this.restartTimer = setTimeout(() => {
          this.start().catch((err: unknown) => log({ at: 'error', component: 'sshd', msg: `sshd restart failed: ${err instanceof Error ? err.message : String(err)}` }));
        }, delay);
        this.restartTimer.unref();
      });
    });
  }

  /** SIGTERM (sshd stops listening; sessions in progress end with their gate), then SIGKILL. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
