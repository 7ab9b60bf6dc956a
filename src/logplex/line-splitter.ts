import { MAX_LINE_BYTES } from '../core/log-line.js';

const NEWLINE = 0x0a;
const CR = 0x0d;
const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Turns a dyno's raw output (bytes from a pipe) into lines: split at `\n`, a CR before it dropped,
 * lines over `maxBytes` cut into pieces at character boundaries, bytes decoded as UTF-8 with
 * invalid sequences replaced by U+FFFD. It holds at most `maxBytes` of an unfinished line and
 * copies only what a line needs, so output without newlines never grows memory.
 */
export class LineSplitter {
  /** The unfinished line: pieces of earlier chunks, `partialBytes` in all (≤ maxBytes). */
  private partial: Buffer[] = [];
  private partialBytes = 0;

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxBytes: number = MAX_LINE_BYTES,
  ) {}

  /** True while part of a line is waiting for its newline. */
  get hasPartial(): boolean {
    return this.partialBytes > 0;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      // Cut pieces of maxBytes while the current line is longer than that.
      while (this.partialBytes + (end - start) > this.maxBytes) {
        const take = this.maxBytes - this.partialBytes;
        let cut = start + take;
        // Never start the next piece on a UTF-8 continuation byte (look back at most 3 bytes).
        for (let back = 0; back < 3 && cut > start && isContinuation(chunk[cut]); back++) cut--;
        // The character began in the held part: end the piece before it, keep its first bytes.
        if (cut === start && isContinuation(chunk[start]) && this.cutBeforeHeldCharacter()) continue;
        if (isContinuation(chunk[cut])) cut = start + take;
        this.emit(chunk.subarray(start, cut), false);
        start = cut;
      }
      if (nl === -1) break;
      this.emit(chunk.subarray(start, nl), true);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      // Copy a small tail so it does not pin the whole chunk.
      this.partial.push(rest.length * 2 < chunk.length ? Buffer.from(rest) : rest);
      this.partialBytes += rest.length;
    }
  }

  /** Emits the unfinished line (the stream ended, or the dyno went quiet mid-line). */
  flush(): void {
    if (this.partialBytes > 0) this.emit(Buffer.alloc(0), true);
  }

  /** Emits the held bytes except a trailing unfinished character, which stays held. */
  private cutBeforeHeldCharacter(): boolean {
    const last = this.partial[this.partial.length - 1];
    if (!last) return false;
    for (let k = 1; k <= 3 && k <= last.length; k++) {
      const byte = last[last.length - k] as number;
      if (isContinuation(byte)) continue;
      if ((byte & 0xc0) !== 0xc0 || k === this.partialBytes) return false; // not a lead byte, or nothing before it
      const carry = Buffer.from(last.subarray(last.length - k));
      this.partial[this.partial.length - 1] = last.subarray(0, last.length - k);
      this.partialBytes -= k;
      this.emit(Buffer.alloc(0), false);
      this.partial = [carry];
      this.partialBytes = k;
      return true;
    }
    return false;
  }

  private emit(last: Buffer, complete: boolean): void {
    let line = last;
    if (this.partial.length > 0) {
      line = Buffer.concat([...this.partial, last]);
      this.partial = [];
      this.partialBytes = 0;
    }
    const end = complete && line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    this.onLine(line.toString('utf8', 0, end));
  }
}
