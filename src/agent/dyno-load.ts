import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A per-dyno load average, computed the way the kernel computes the host's: every sample counts
 * the dyno's runnable (R) and uninterruptible (D) tasks and folds the count into exponentially
 * decaying 1, 5 and 15 minute averages.
 */
export class DynoLoad {
  private avg = { avg1m: 0, avg5m: 0, avg15m: 0 };
  private last: number | undefined;

  constructor(private readonly cgroupProcsPath: string) {}

  async sample(now: number): Promise<{ avg1m: number; avg5m: number; avg15m: number }> {
    const active = await this.countActive();
    const dt = this.last === undefined ? 5 : Math.max(0.001, (now - this.last) / 1000);
    this.last = now;
    const fold = (prev: number, seconds: number) => {
      const decay = Math.exp(-dt / seconds);
      return prev * decay + active * (1 - decay);
    };
    this.avg = { avg1m: fold(this.avg.avg1m, 60), avg5m: fold(this.avg.avg5m, 300), avg15m: fold(this.avg.avg15m, 900) };
    return this.avg;
  }

  private async countActive(): Promise<number> {
    const procs = await readFile(this.cgroupProcsPath, 'utf8').catch(() => '');
    let active = 0;
    for (const pid of procs.split('\n').filter(Boolean)) {
      const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
      for (const tid of tasks) {
        const stat = await readFile(join('/proc', pid, 'task', tid, 'stat'), 'utf8').catch(() => '');
        // The state is the first field after the parenthesised command name.
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        if (state === 'R' || state === 'D') active += 1;
      }
    }
    return active;
  }
}
