/**
 * A stock of ready-made fifos for dyno stdio (see dyno-pipes.ts), so start() does not wait for a
 * `mkfifo` process: they are made in batches in the background, in a private directory under the
 * state dir, and each is unlinked as soon as both its ends are open.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execHelper } from './exec.js';

const BATCH = 16;

export class FifoStock {
  private readonly dir: string;
  private readonly ready: string[] = [];
  private counter = 0;
  private making: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** `count` fifo paths, now if in stock, else after a batch is made. */
  async take(count: number): Promise<string[]> {
    while (this.ready.length < count) await this.make();
    const paths = this.ready.splice(0, count);
    if (this.ready.length < BATCH / 2) this.make().catch(() => undefined);
    return paths;
  }

  private make(): Promise<void> {
    this.making ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const paths = Array.from({ length: BATCH }, () => join(this.dir, `${process.pid}-${++this.counter}.fifo`));
      await execHelper('/usr/bin/mkfifo', ['-m', '0600', ...paths]);
      this.ready.push(...paths);
    })().finally(() => { this.making = undefined; });
    return this.making;
  }

  async drain(): Promise<void> {
    await this.making?.catch(() => undefined);
    this.ready.length = 0;
    await rm(this.dir, { recursive: true, force: true });
  }
}
