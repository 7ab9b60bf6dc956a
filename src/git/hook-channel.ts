/**
 * The service's end of one hook connection: build lines go out as JSON lines as soon as they are
 * written (the pusher sees them live). If the pusher reads slower than the build writes, lines
 * beyond MAX_BUFFERED are dropped and counted, and the count is reported in-band.
 */
import type { Socket } from 'node:net';
import type { ServiceMessage } from './hook-protocol.js';

const MAX_BUFFERED = 1024 * 1024;
const MAX_LINE = 16 * 1024;

export class HookChannel {
  private dropped = 0;
  private done = false;

  constructor(private readonly socket: Socket) {}

  /** finish() was called: the hook has its answer. */
  get finished(): boolean {
    return this.done;
  }

  get open(): boolean {
    return !this.done && !this.socket.destroyed && this.socket.writable;
  }

  /** Send text to the pusher; each `\n`-separated part becomes one `remote:` line. */
  write(text: string): void {
    if (!this.open) return;
    const parts = text.replace(/\r?\n$/, '').split(/\r?\n/);
    for (const part of parts) {
      if (this.socket.writableLength > MAX_BUFFERED) {
        this.dropped += 1;
        continue;
      }
      this.flushDropped();
      this.send({ line: part.length > MAX_LINE ? `${part.slice(0, MAX_LINE)}… (line truncated)` : part });
    }
  }

  /** Tell the hook how to exit, then close. */
  finish(ok: boolean): void {
    if (!this.open) return;
    this.flushDropped();
    this.done = true;
    this.socket.end(`${JSON.stringify({ ok } satisfies ServiceMessage)}\n`);
  }

  private flushDropped(): void {
    if (this.dropped === 0) return;
    const count = this.dropped;
    this.dropped = 0;
    this.send({ line: ` !     ${count} line${count === 1 ? '' : 's'} of output dropped: the connection to your git client is too slow.` });
  }

  private send(message: ServiceMessage): void {
    this.socket.write(`${JSON.stringify(message)}\n`);
  }
}
