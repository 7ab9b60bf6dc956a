/** The line the agent writes when an attached dyno exits (Heroku's `-x` marker); U+FFFF never occurs in real text. */
export const EXIT_MARKER = '\uFFFF heroku-command-exit-status: ';

const MARKER_LINE = /\uFFFF heroku-command-exit-status: (\d{1,3})[ \t]*\r?\n/;
const MARKER_AT_END = /\uFFFF heroku-command-exit-status: (\d{1,3})[ \t]*\r?$/;
/** A partial marker longer than this is not one: flush it as output. */
const HOLD_LIMIT = EXIT_MARKER.length + 8;

export interface FilteredOutput {
  text: string;
  /** Set once the marker line has been seen (and removed from `text`). */
  exitCode?: number;
}

/**
 * What a `berth run` client prints of the dyno's output: the exit-status marker line is taken
 * out wherever it falls (even split across chunks), and CRLF becomes LF when stdout is not a
 * terminal (also across chunks). Pure apart from its own buffer, which never exceeds a
 * partial marker.
 */
export class RunOutputFilter {
  private pending = '';

  constructor(private readonly crlfToLf: boolean) {}

  push(chunk: string): FilteredOutput {
    let text = this.pending + chunk;
    this.pending = '';
    const marker = MARKER_LINE.exec(text);
    if (marker) {
      const before = text.slice(0, marker.index);
      const after = text.slice(marker.index + marker[0].length);
      return { text: this.lineEndings(before + after, true), exitCode: Number(marker[1]) };
    }
    const start = text.lastIndexOf('\uFFFF');
    if (start >= 0 && text.length - start <= HOLD_LIMIT && EXIT_MARKER.startsWith(text.slice(start, start + EXIT_MARKER.length))) {
      this.pending = text.slice(start);
      text = text.slice(0, start);
    }
    return { text: this.lineEndings(text, false) };
  }

  /** The connection closed: whatever is held back, and the status if a marker ended the stream without a newline. */
  end(): FilteredOutput {
    const text = this.pending;
    this.pending = '';
    const marker = MARKER_AT_END.exec(text);
    if (marker) return { text: this.lineEndings(text.slice(0, marker.index), true), exitCode: Number(marker[1]) };
    return { text: this.lineEndings(text, true) };
  }

  private lineEndings(text: string, final: boolean): string {
    if (!this.crlfToLf) return text;
    let out = text.replace(/\r\n/g, '\n');
    if (!final && out.endsWith('\r')) {
      // The \n may be in the next chunk; hold the \r (before any held marker) until then.
      this.pending = `\r${this.pending}`;
      out = out.slice(0, -1);
    }
    return out;
  }
}
