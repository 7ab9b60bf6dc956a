/**
 * BuildOutputLines: a build's (or release phase's) byte stream → lines for a callback, the way a
 * terminal would show them: UTF-8 safe across chunk boundaries, `\r\n` tolerated, `\r`-only
 * progress updates collapsed to their last state, and lines longer than `maxLineBytes` (UTF-8
 * bytes) split at a character boundary rather than buffered without bound. The dyno log
 * equivalent, which never decodes more than one line, is logplex's LineSplitter.
 */
import { StringDecoder } from 'node:string_decoder';

/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4 bytes). */
const MAX_BYTES_PER_UNIT = 3;

export class BuildOutputLines {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLineBytes = 16 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    this.partial += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) !== -1) {
      this.line(this.partial.slice(0, newline));
      this.partial = this.partial.slice(newline + 1);
    }
    while (this.partial.length * MAX_BYTES_PER_UNIT > this.maxLineBytes && Buffer.byteLength(this.partial) > this.maxLineBytes) {
      const cut = cutAt(this.partial, this.maxLineBytes);
      this.line(this.partial.slice(0, cut));
      this.partial = this.partial.slice(cut);
    }
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    this.partial += this.decoder.end();
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A progress bar rewrites its line with \r: keep only the last state.
    const cr = text.lastIndexOf('\r');
    this.emit(cr === -1 ? text : text.slice(cr + 1));
  }
}

/** The length (in UTF-16 units) of the longest prefix of `text` that fits `maxBytes` of UTF-8, never splitting a character. */
function cutAt(text: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    const units = code > 0xffff ? 2 : 1;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += units;
  }
  // A character wider than the whole budget still moves forward.
  return i === 0 ? (text.codePointAt(0) as number) > 0xffff ? 2 : 1 : i;
}
