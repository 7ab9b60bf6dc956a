import type { Colours } from './colour.js';
import { openStream, writeOut } from './http-stream.js';
import { colouriseLogLine } from './log-colour.js';

/** A log line longer than this is printed in pieces rather than buffered without end. */
const MAX_LINE_CHARS = 64 * 1024;

export interface LogStreamOptions {
  out: NodeJS.WritableStream;
  /** Colours for the `source[process]:` headers, or undefined for plain lines. */
  colours?: Colours;
  /** CAs to trust when the session URL is https. */
  ca?: string[];
}

/**
 * Reads a log session URL (plain text, one line per log line) and prints every line until the
 * server ends the stream: the backlog for a plain `logs`, forever for `--tail`. A closed stdout
 * (`berth logs | head`) ends it quietly.
 */
export async function printLogSession(url: string, options: LogStreamOptions): Promise<'ended' | 'stdout-closed'> {
  const res = await openStream(url, { headers: { Accept: 'text/plain' }, ...(options.ca ? { ca: options.ca } : {}) });
  res.setEncoding('utf8');
  let closed = false;
  const onError = () => {
    closed = true;
    res.destroy();
  };
  options.out.on('error', onError);
  const paint = (line: string) => (options.colours ? colouriseLogLine(line, options.colours) : line);
  let partial = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() as string;
      if (partial.length > MAX_LINE_CHARS) {
        lines.push(partial);
        partial = '';
      }
      if (lines.length > 0) await writeOut(options.out, lines.map((l) => `${paint(l)}\n`).join(''));
      if (closed) break;
    }
    if (partial !== '' && !closed) await writeOut(options.out, `${paint(partial)}\n`);
  } catch (err) {
    if (!closed) throw err;
  } finally {
    options.out.off('error', onError);
  }
  return closed ? 'stdout-closed' : 'ended';
}
