/**
 * A BuildSandbox without isolation: plain child processes in their own process group, binds
 * shown at their host paths. For tests and development only: scripts run as Berth's own user
 * with its view of the machine, and memoryMb is not enforced. Production wires a sandbox from
 * src/runtime (see build-sandbox.ts).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { BindContext, BindRole, BuildSandbox, SandboxExit, SandboxRunSpec } from './build-sandbox.js';
import { BuildOutputLines } from './build-output-lines.js';

export interface ProcessSandboxOptions {
  /** Time between SIGTERM and SIGKILL to the process group on abort (default 2 s). */
  killGraceMs?: number;
}

export class ProcessSandbox implements BuildSandbox {
  private readonly killGraceMs: number;
  constructor(options: ProcessSandboxOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 2000;
  }

  targetFor(_role: BindRole, hostPath: string, _context: BindContext): string {
    return hostPath;
  }

  run(spec: SandboxRunSpec): Promise<SandboxExit> {
    const [file, ...args] = spec.argv;
    if (file === undefined) return Promise.reject(new Error('ProcessSandbox.run needs an argv'));
    return new Promise((resolve) => {
      if (spec.signal.aborted) return resolve({ exitCode: 128 + constants.signals.SIGKILL });
      const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const out = new BuildOutputLines((line) => spec.output.stdout(line));
      const err = new BuildOutputLines((line) => spec.output.stderr(line));
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      let killTimer: NodeJS.Timeout | undefined;
      let closeTimer: NodeJS.Timeout | undefined;
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, sig);
        } catch {
          // the group is gone already
        }
      };
      const onAbort = () => {
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => signalGroup('SIGKILL'), this.killGraceMs);
        // A grandchild that left the group could hold the pipes open: stop waiting after a while.
        closeTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, this.killGraceMs + 2000);
      };
      spec.signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const finish = (exit: SandboxExit) => {
        if (settled) return;
        settled = true;
        spec.signal.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        clearTimeout(closeTimer);
        out.end();
        err.end();
        resolve(exit);
      };
      child.on('error', (e) => {
        spec.output.stderr(`Could not start ${file}: ${e.message}`);
        finish({ exitCode: 127 });
      });
      let exit: SandboxExit | undefined;
      child.on('exit', (code, signal) => {
        exit = { exitCode: code ?? 128 + (signal ? constants.signals[signal] : constants.signals.SIGKILL) };
        // Children the script left behind in its group die with it; one that left the group
        // could hold the pipes open, so stop waiting for them after a moment.
        signalGroup('SIGKILL');
        clearTimeout(closeTimer);
        closeTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 2000);
      });
      child.on('close', (code, signal) => {
        finish(exit ?? { exitCode: code ?? 128 + (signal ? constants.signals[signal] : constants.signals.SIGKILL) });
      });
    });
  }
}
