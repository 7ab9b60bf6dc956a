/**
 * Turns a byte stream into lines for a callback: UTF-8 safe across chunk boundaries, `\r\n`
 * and `\r`-only progress updates tolerated, and lines longer than `maxLineBytes` split rather
 * than buffered without bound.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
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
    while (this.partial.length > this.maxLineBytes) {
      this.line(this.partial.slice(0, this.maxLineBytes));
      this.partial = this.partial.slice(this.maxLineBytes);
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
