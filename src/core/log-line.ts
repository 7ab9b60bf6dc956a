/**
 * The log line model every part of the stack writes into logplex: one line, one source, one
 * process, one timestamp with microseconds. Pure: formatting, filters and the RFC 5424 frames
 * drains receive (heroku-compat.md §4 and §10).
 *
 * Safety decision (control characters): a message never carries raw control characters. C0
 * controls except TAB, DEL and the C1 range are rendered visibly as `\xHH` (C1 as `\u00HH`), so
 * an app printing `\x1b]0;pwned\x07` cannot drive the terminal of whoever tails its logs. A CR
 * right before the line end (CRLF output) is dropped by the splitter, not escaped. Invalid UTF-8
 * becomes U+FFFD before it gets here. Backslashes are left alone (Windows paths stay readable),
 * so an escape is display-safe, not reversible.
 */
import { PlatformError } from './errors.js';

export type LogSource = 'app' | 'heroku';

export interface LogLine {
  /** Microseconds since the Unix epoch (UTC). */
  readonly time: number;
  readonly source: LogSource;
  /** `web.1`, `router`, `api`, `release`, `scheduler`, `logplex`… */
  readonly process: string;
  /** One line: no newline, no raw control characters (see escapeControlCharacters). */
  readonly message: string;
}

/** Lines longer than this (in UTF-8 bytes) are split into several lines. */
export const MAX_LINE_BYTES = 10_000;
/** Lines of history kept per channel: `heroku logs -n` goes up to this. */
export const HISTORY_LINES = 1500;
/** Lines a session shows when the request names no `lines`. */
export const DEFAULT_SESSION_LINES = 100;

export const PROCESS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function isLogSource(value: unknown): value is LogSource {
  return value === 'app' || value === 'heroku';
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// The last second formatted: lines come in bursts within one second (a pure memo, not state).
let memoSecond = Number.NaN;
let memoPrefix = '';

/** `2026-11-22T10:00:00.123456+00:00` */
export function formatLogTime(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== memoSecond) {
    memoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    memoSecond = second;
  }
  return `${memoPrefix}.${pad(Math.floor(micros) - second * 1_000_000, 6)}+00:00`;
}

/** `2026-11-22T10:00:00+00:00`: the seconds-precision form L10/L11 messages use. */
export function formatLogTimeSeconds(micros: number): string {
  return `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}+00:00`;
}

/** `2026-11-22T10:00:00.123456+00:00 app[web.1]: message` (logplex format/4, no newline). */
export function formatLogLine(line: LogLine): string {
  return `${formatLogTime(line.time)} ${line.source}[${line.process}]: ${line.message}`;
}

// Any C0 control but TAB, DEL, or C1 control.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;
const CONTROL_ALL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** Renders control characters visibly: ESC → `\x1b`, U+009B → `\u009b`. TAB is kept. */
export function escapeControlCharacters(message: string): string {
  if (!CONTROL.test(message)) return message;
  return message.replace(CONTROL_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Bytes `text` takes in UTF-8 (lone surrogates count 3, as their U+FFFD replacement does). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Splits `text` into pieces of at most `maxBytes` UTF-8 bytes, never inside a character. */
export function splitByBytes(text: string, maxBytes: number = MAX_LINE_BYTES): string[] {
  if (text.length * 3 <= maxBytes || utf8ByteLength(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) {
      pieces.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    if (pair) i++;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** What a tail session shows: by source and by dyno name or process type. */
export interface LogFilter {
  readonly source?: LogSource;
  /** `web.1` matches exactly; `web` matches `web` and every `web.N`. */
  readonly dyno?: string;
}

/** Validates the `source` and `dyno` of a log-session request (as the official CLI sends them). */
export function parseLogFilter(input: { source?: unknown; dyno?: unknown }): LogFilter {
  const filter: { source?: LogSource; dyno?: string } = {};
  if (input.source !== undefined && input.source !== null && input.source !== '') {
    if (!isLogSource(input.source)) {
      throw new PlatformError('invalid_params', `Source ${JSON.stringify(input.source)} is invalid: use "app" or "heroku".`);
    }
    filter.source = input.source;
  }
  if (input.dyno !== undefined && input.dyno !== null && input.dyno !== '') {
    if (typeof input.dyno !== 'string' || !PROCESS_PATTERN.test(input.dyno)) {
      throw new PlatformError(
        'invalid_params',
        `Dyno ${JSON.stringify(input.dyno)} is invalid: name a dyno (web.1), a process type (web) or router.`,
      );
    }
    filter.dyno = input.dyno;
  }
  return filter;
}

export function matchesFilter(line: LogLine, filter: LogFilter): boolean {
  if (filter.source !== undefined && line.source !== filter.source) return false;
  const dyno = filter.dyno;
  if (dyno === undefined || line.process === dyno) return true;
  // A process type (no dot) also matches its dynos: `web` → `web.1`, `web.2`…
  return !dyno.includes('.') && line.process.startsWith(dyno) && line.process.charCodeAt(dyno.length) === 0x2e;
}

/**
 * Syslog PRI as Heroku's drains send it: app lines local7.info (190), the router local3.info
 * (158), logplex's own errors local5.warning (172), other platform lines syslog.notice (45).
 */
export function syslogPriority(line: LogLine): number {
  if (line.source === 'app') return 190;
  if (line.process === 'router') return 158;
  if (line.process === 'logplex') return 172;
  return 45;
}

/** RFC 6587 octet counting: `LEN SP FRAME`, LEN in UTF-8 bytes. */
export function octetFrame(frame: string): string {
  return `${utf8ByteLength(frame)} ${frame}`;
}

/** HTTPS drain frame: `LEN <PRI>1 TIME host SOURCE PROCID - MSG\n` (no STRUCTURED-DATA, as Heroku). */
export function httpsDrainFrame(line: LogLine): string {
  return octetFrame(`<${syslogPriority(line)}>1 ${formatLogTime(line.time)} host ${line.source} ${line.process} - ${line.message}\n`);
}

/** Syslog drain frame: `LEN <PRI>1 TIME d.TOKEN SOURCE PROCID - - MSG\n` (HOSTNAME = drain token). */
export function syslogDrainFrame(line: LogLine, drainToken: string): string {
  return octetFrame(`<${syslogPriority(line)}>1 ${formatLogTime(line.time)} ${drainToken} ${line.source} ${line.process} - - ${line.message}\n`);
}

/** `Error L10 (output buffer overflow): N messages dropped since T.` */
export function drainOverflowMessage(dropped: number, sinceMicros: number): string {
  return `Error L10 (output buffer overflow): ${dropped} messages dropped since ${formatLogTimeSeconds(sinceMicros)}.`;
}

/** `Error L11 (Tail buffer overflow) -> This tail session dropped N messages since T.` */
export function tailOverflowMessage(dropped: number, sinceMicros: number): string {
  return `Error L11 (Tail buffer overflow) -> This tail session dropped ${dropped} messages since ${formatLogTimeSeconds(sinceMicros)}.`;
}
