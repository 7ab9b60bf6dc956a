// OutputLogs (deploy layer): build and release-phase output, live and on disk (`output_stream_url`).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_LIVE_BYTES = 4 * 1024 * 1024;

/**
 * The output of one build or release phase: lines kept in memory while it runs (bounded) and in
 * a file for later, readable from the start and followed live until it ends — what
 * `output_stream_url` serves and what a push streams as `remote:` lines.
 */
export class OutputLog {
  private readonly lines: string[] = [];
  private bytes = 0;
  private dropped = 0;
  private done = false;
  private readonly waiters = new Set<() => void>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  write(line: string): void {
    if (this.done) return;
    if (this.bytes + line.length > MAX_LIVE_BYTES) this.dropped += 1;
    else {
      this.lines.push(line);
      this.bytes += line.length + 1;
    }
    this.writing = this.writing.then(() => appendFile(this.file, `${line}\n`)).catch(() => undefined);
    this.wake();
  }

  async end(): Promise<void> {
    this.done = true;
    this.wake();
    await this.writing;
  }

  get ended(): boolean {
    return this.done;
  }

  /** Every line from the first, then new ones as they come, until end(). */
  async *follow(): AsyncIterable<string> {
    let next = 0;
    for (;;) {
      while (next < this.lines.length) yield `${this.lines[next++]}\n`;
      if (this.done) {
        if (this.dropped > 0) yield `(${this.dropped} more lines are in the saved output)\n`;
        return;
      }
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}

/** Output logs by kind and id: live ones in memory, finished ones from DATADIR/outputs. */
export class OutputLogs {
  private readonly live = new Map<string, OutputLog>();

  constructor(private readonly dir: string) {}

  async create(kind: 'build' | 'release', id: string): Promise<OutputLog> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const log = new OutputLog(join(this.dir, `${kind}-${id}.log`));
    this.live.set(`${kind}:${id}`, log);
    return log;
  }

  /** Forgets a finished log from memory (its file stays). */
  retire(kind: 'build' | 'release', id: string): void {
    this.live.delete(`${kind}:${id}`);
  }

  async open(kind: 'build' | 'release', id: string): Promise<AsyncIterable<string> | undefined> {
    const log = this.live.get(`${kind}:${id}`);
    if (log) return log.follow();
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const text = await readFile(join(this.dir, `${kind}-${id}.log`), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (async function* () {
      yield text;
    })();
  }
}
